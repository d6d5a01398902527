import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/hash/canonical-json.js';
import { HashValueError } from '../../src/hash/errors.js';

describe('canonical JSON (formats/hash.md §5)', () => {
  it('sorts keys, drops whitespace and keeps the last duplicate', () => {
    expect(canonicalJson(' { "b" : 1 , "a" : [ 1.0 , 2 ] } ')).toBe('{"a":[1,2],"b":1}');
    expect(canonicalJson('{"a":1,"a":2}')).toBe('{"a":2}');
    // UTF-16 order: U+E000 sorts before U+1F600 (a surrogate pair starting D83D... no: D83D < E000).
    expect(canonicalJson('{"\ue000":1,"\u{1f600}":2,"a":3}')).toBe('{"a":3,"\u{1f600}":2,"\ue000":1}');
  });

  it('keeps integers exact at any size and writes other numbers as ECMAScript does', () => {
    expect(canonicalJson('[12345678901234567890, -98765432109876543210123, 1e2, 1.50e1, -0, -0.0, 100e-2]'))
      .toBe('[12345678901234567890,-98765432109876543210123,100,15,0,0,1]');
    expect(canonicalJson('[0.1, 0.10, 1.5e-7, 1e-7, 0.000001, 2.5, 123456789012345678901.5, 1e-400]'))
      .toBe('[0.1,0.1,1.5e-7,1e-7,0.000001,2.5,123456789012345680000,0]');
    expect(canonicalJson('1E+3')).toBe('1000');
  });

  it('writes strings with JCS escapes and unescapes the input', () => {
    expect(canonicalJson('"\\u00e9\\/\\t\\u001F\\u2028x"')).toBe('"é/\\t\\u001f\u2028x"');
    expect(canonicalJson('"\\ud83d\\ude00"')).toBe('"\u{1f600}"');
  });

  it('rejects text that is not JSON', () => {
    for (const bad of ['', '{', '[1,]', '{"a" 1}', '01', '1.', '.5', '+1', 'NaN', 'nul', '"a', '"\u0001"', '[1] x', "{'a':1}", '1e999999999']) {
      expect(() => canonicalJson(bad), bad).toThrow(HashValueError);
    }
  });
});
