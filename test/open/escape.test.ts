/**
 * Path segments and key texts of the open view (formats/open.md §3): the spec's examples, the
 * round trip text → segment → text and text → value → text for every kind, shortening of long
 * values, and clear refusals of bad key texts.
 */
import { describe, expect, it } from 'vitest';
import {
  KEY_VALUE_KEEP, KEY_VALUE_MAX, escapeAttribute, escapeFileName, keySegment, keyText, parseKeySegment, parseKeyText, unescapeSegment,
} from '../../src/open/index.js';
import type { CValue, ValueKind } from '../../src/values/kinds.js';
import { createHash } from 'node:crypto';

describe('segments', () => {
  it('follow the examples of formats/open.md', () => {
    expect(keySegment('subject_id', '7', false)).toBe('subject_id=7');
    expect(keySegment('name', 'a/b', true)).toBe('name=a%2Fb');
    expect(keySegment('name', '..', true)).toBe('name=.%2E');
    expect(keySegment('name', 'Mouse', true)).toBe('name=%4Douse');
    expect(keySegment('session_start', '2024-01-15T13:45:30.123456', false)).toBe('session_start=2024-01-15T13%3A45%3A30.123456');
    expect(keySegment('name', 'ünï', true)).toBe('name=%C3%BCn%C3%AF');
    expect(keySegment('name', '', true)).toBe('name=');
    expect(escapeAttribute('CON')).toBe('%43ON');
    expect(escapeAttribute('aux')).toBe('%61ux');
    expect(escapeAttribute('a.b')).toBe('a%2Eb');
    expect(escapeFileName('aux.npy')).toBe('%61ux.npy');
    expect(escapeFileName('a.')).toBe('a%2E');
    expect(escapeFileName('git~1')).toBe('git%7E1');
    expect(escapeFileName('.bashrc')).toBe('%2Ebashrc');
    expect(escapeFileName('')).toBe('%');
    expect(escapeFileName('Report 1.PDF')).toBe('Report%201.PDF');
  });

  it('escape file names from their bytes, which need not be UTF-8, reversibly', () => {
    const bytes = Uint8Array.from([0x66, 0xff, 0x00, 0x2f, 0x41]);
    const escaped = escapeFileName(bytes);
    expect(escaped).toBe('f%FF%00%2FA');
    expect([...unescapeSegment(escaped)]).toEqual([...bytes]);
  });

  it('round-trip every text, and differ case-insensitively for different texts', () => {
    const texts = ['', 'a', 'A', 'a b', '%', '%%', '=', 'k=v', '.', '..', 'x.', '/', '\\', '\0', 'é', 'É', '🐭', 'CON', 'con', 'COM1'];
    const folded = new Set<string>();
    for (const t of texts) {
      const s = keySegment('k', t, true);
      const p = parseKeySegment(s);
      expect(p, t).toEqual({ attribute: 'k', text: t, shortened: false });
      folded.add(s.toLowerCase());
    }
    expect(folded.size).toBe(texts.length);
    expect(() => unescapeSegment('a%zz')).toThrow(/bad % escape/);
    expect(() => parseKeySegment('novalue')).toThrow(/no "="/);
  });

  it(`shorten escaped values above ${KEY_VALUE_MAX} bytes to ${KEY_VALUE_KEEP} bytes, %% and a hash, never splitting an escape`, () => {
    const long = 'a'.repeat(95) + 'é' + 'z'.repeat(100);
    const s = keySegment('k', long, true);
    const hash = createHash('sha256').update(long, 'utf8').digest('hex').slice(0, 32);
    // 'é' is %C3%A9 at bytes 95..100: the cut moves back before it
    expect(s).toBe(`k=${'a'.repeat(95)}%%${hash}`);
    expect(parseKeySegment(s)).toEqual({ attribute: 'k', text: 'a'.repeat(95), shortened: true });
    const exact = 'b'.repeat(KEY_VALUE_MAX);
    expect(keySegment('k', exact, true)).toBe(`k=${exact}`);
    expect(keySegment('k', `${exact}b`, true)).toMatch(new RegExp(`^k=b{${KEY_VALUE_KEEP}}%%[0-9a-f]{32}$`));
    expect(keySegment('k', `${'c'.repeat(200)}1`, true)).not.toBe(keySegment('k', `${'c'.repeat(200)}2`, true));
  });
});

describe('key texts', () => {
  const cases: [ValueKind, CValue, string, number?][] = [
    ['int8', -128, '-128'], ['uint64', 2n ** 64n - 1n, '18446744073709551615'], ['int64', -(2n ** 63n), '-9223372036854775808'],
    ['int32', 0, '0'], ['float64', 0.1, '0.1'], ['float64', -0, '-0'], ['float64', 1e21, '1e+21'], ['float64', NaN, 'NaN'],
    ['float64', -Infinity, '-Infinity'], ['float32', Math.fround(0.1), '0.10000000149011612'], ['decimal', '-1.500', '-1.500', 3],
    ['bool', true, 'true'], ['bool', false, 'false'], ['string', 'Grüße/..', 'Grüße/..'], ['bytes', Uint8Array.from([0, 171, 255]), '00abff'],
    ['bytes', new Uint8Array(0), ''], ['uuid', Uint8Array.from(Buffer.from('f81d4fae7dec11d0a76500a0c91e6bf6', 'hex')), 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'],
    ['date', 0, '1970-01-01'], ['date', -719162, '0001-01-01'], ['date', 2932896, '9999-12-31'],
    ['datetime', 0n, '1970-01-01T00:00:00.000000'], ['datetime', -1n, '1969-12-31T23:59:59.999999'],
    ['datetime', 253402300799999999n, '9999-12-31T23:59:59.999999'], ['time', -3020399000000n, '-838:59:59.000000'],
    ['time', 1n, '00:00:00.000001'], ['json', '{"a":1}', '{"a":1}'],
  ];

  it('are canonical and parse back to the same value', () => {
    for (const [kind, value, text, scale] of cases) {
      expect(keyText(kind, value), `${kind} ${String(value)}`).toBe(text);
      const back = parseKeyText(kind, text, scale);
      if (typeof value === 'number' && Number.isNaN(value)) expect(Number.isNaN(back)).toBe(true);
      else expect(back, `${kind} ${text}`).toEqual(value);
    }
  });

  it('accept the obvious variants', () => {
    expect(parseKeyText('datetime', '2024-01-15 13:45:30')).toBe(parseKeyText('datetime', '2024-01-15T13:45:30.000000'));
    expect(parseKeyText('datetime', '2024-01-15T13:45:30.5')).toBe(parseKeyText('datetime', '2024-01-15T13:45:30.500000'));
    expect(parseKeyText('bool', '1')).toBe(true);
    expect(parseKeyText('uuid', 'F81D4FAE7DEC11D0A76500A0C91E6BF6')).toEqual(parseKeyText('uuid', 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6'));
    expect(parseKeyText('decimal', '1.5', 2)).toBe('1.50');
  });

  it('refuse bad texts with a reason', () => {
    const bad: [ValueKind, string, RegExp, number?][] = [
      ['int8', '128', /range of int8/], ['int32', '1.5', /integer/], ['uint8', '-1', /range/], ['float64', 'abc', /number/],
      ['bool', 'yes', /boolean/], ['bytes', 'abc', /hex/], ['uuid', '1234', /UUID/], ['date', '2024-02-30', /date/],
      ['datetime', '2024-01-15', /datetime/], ['datetime', '2024-01-15T25:00:00', /datetime/], ['time', '1:2', /time/],
      ['decimal', '1.234', /at most 2 fraction digits/, 2],
    ];
    for (const [kind, text, reason, scale] of bad) {
      const r = parseKeyText(kind, text, scale);
      expect(r, `${kind} ${text}`).toEqual({ error: expect.stringMatching(reason) });
    }
  });
});
