/**
 * The normalisers' fast paths (datetime text without a regular expression, decimal text that
 * is already canonical) give exactly what the general parsers give, and reject what they reject.
 * The references are temporal.ts's parseDatetime and canonicalDecimal, plus hand-computed values.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors/base.js';
import { canonicalDecimal, normalizerFor } from '../../src/values/normalize.js';
import { parseDatetime } from '../../src/values/temporal.js';

const datetime = (family: 'mysql' | 'postgres') => normalizerFor(family, { where: 's.t.c', kind: 'datetime', dataType: 'datetime' });
const decimal = (scale: number) => normalizerFor('mysql', { where: 's.t.c', kind: 'decimal', dataType: 'decimal', scale });

function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    return e instanceof InputError ? 'rejected' : e;
  }
}

describe('datetime', () => {
  it('hand-computed values', () => {
    const n = datetime('mysql');
    expect(n('1970-01-01 00:00:00')).toBe(0n);
    expect(n('1970-01-01 00:00:00.000001')).toBe(1n);
    expect(n('1969-12-31 23:59:59.5')).toBe(-500_000n);
    expect(n('2024-02-29T12:00:00.25')).toBe(BigInt(Date.UTC(2024, 1, 29, 12)) * 1000n + 250_000n);
    expect(datetime('postgres')('2000-01-01 00:00:00+00')).toBe(BigInt(Date.UTC(2000, 0, 1)) * 1000n);
  });

  it('agrees with parseDatetime on valid, invalid and unusual text', () => {
    const texts = [
      '2024-01-01 00:00:00', '2024-01-01 00:00:00.1', '2024-01-01 00:00:00.12', '2024-01-01 00:00:00.123',
      '2024-01-01 00:00:00.1234', '2024-01-01 00:00:00.12345', '2024-01-01 00:00:00.123456', '2024-01-01 00:00:00.1234567',
      '2024-01-01 00:00:00.', '2023-02-29 00:00:00', '2024-02-29 23:59:59.999999', '1900-02-29 00:00:00', '2000-02-29 00:00:00',
      '2024-04-31 00:00:00', '2024-13-01 00:00:00', '2024-00-10 00:00:00', '0000-00-00 00:00:00', '0000-01-01 00:00:00',
      '0001-01-01 00:00:00', '9999-12-31 23:59:59.999999', '10000-01-01 00:00:00', '2024-01-01 24:00:00',
      '2024-01-01 23:60:00', '2024-01-01 23:00:60', '2024-01-01T01:02:03', '2024-01-01 01:02:03+00', '2024-01-01 01:02:03+02',
      '2024-01-01 01:02:03-05:30', '2024-01-01 01:02:03.5+00', '2024-1-01 00:00:00', '2024-01-01  00:00:00',
      '2024-01-01 0a:00:00', 'abcd-01-01 00:00:00', '2024-01-01', '', '1677-09-21 00:12:43.145225', '2262-04-11 23:47:16.854775',
      '1000-01-01 00:00:00', '3000-01-01 00:00:00.000001',
    ];
    const n = datetime('postgres');
    for (const t of texts) {
      const expected = parseDatetime(t) ?? 'rejected';
      expect([t, outcome(() => n(t))]).toEqual([t, expected]);
    }
  });
});

describe('decimal', () => {
  it('agrees with canonicalDecimal whether or not the text is already canonical', () => {
    const texts = ['0', '0.000', '-0.000', '1.500', '1.5', '01.500', '-1.500', '+1.500', '12345.678', '-0.001', '1.5000',
      '.500', '1.', '', '-', '1e3', ' 1.500', '00', '-0', '7', '-7', '10', '0.1234'];
    for (const scale of [0, 3, 4]) {
      const n = decimal(scale);
      for (const t of texts) {
        const expected = canonicalDecimal(t, scale) ?? 'rejected';
        expect([scale, t, outcome(() => n(t))]).toEqual([scale, t, expected]);
      }
    }
  });
});
