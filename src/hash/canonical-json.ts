/**
 * Canonical JSON text (formats/hash.md "JSON"): RFC 8785 (JCS) except for integers, which are
 * kept exact at any size.
 *
 * MySQL, MariaDB and PostgreSQL return the same JSON value as different text (key order,
 * whitespace, `1.0` vs `1`, escapes), so the hash is taken over a form computed from the
 * parsed value. JSON.parse cannot be used: it rounds integers beyond 2^53, which would make
 * distinct values hash equal. Numbers whose exact value is an integer are written as that
 * integer in full; other numbers as the nearest binary64, printed the ECMAScript way (as JCS).
 */
import { HashValueError } from './errors.js';

const MAX_DEPTH = 5000;
/** Larger exponents would expand an integer to an absurd length ("1e999999999"). */
const MAX_EXPONENT = 100_000;

class Parser {
  i = 0;
  constructor(private readonly s: string) {}

  fail(why: string): never {
    throw new HashValueError(`Invalid JSON at character ${this.i}: ${why}. The server returned text that is not JSON; check the column's contents.`, { at: this.i });
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else break;
    }
  }

  value(depth: number): string {
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
    this.ws();
    const c = this.s.charCodeAt(this.i);
    if (c === 0x7b /* { */) return this.object(depth);
    if (c === 0x5b /* [ */) return this.array(depth);
    if (c === 0x22 /* " */) return JSON.stringify(this.string());
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return this.number();
    for (const lit of ['true', 'false', 'null']) {
      if (this.s.startsWith(lit, this.i)) {
        this.i += lit.length;
        return lit;
      }
    }
    return this.fail(Number.isNaN(c) ? 'unexpected end' : `unexpected ${JSON.stringify(this.s[this.i])}`);
  }

  object(depth: number): string {
    this.i++;
    // Last duplicate wins, as in MySQL 8 and PostgreSQL jsonb.
    const members = new Map<string, string>();
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x7d) {
      this.i++;
      return '{}';
    }
    for (;;) {
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x22) this.fail('expected a string key');
      const key = this.string();
      this.ws();
      if (this.s.charCodeAt(this.i) !== 0x3a) this.fail("expected ':'");
      this.i++;
      members.set(key, this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x7d) break;
      if (c !== 0x2c) this.fail("expected ',' or '}'");
    }
    // JCS orders keys by UTF-16 code units, which is what `<` on JS strings compares.
    const keys = [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return '{' + keys.map((k) => JSON.stringify(k) + ':' + (members.get(k) as string)).join(',') + '}';
  }

  array(depth: number): string {
    this.i++;
    this.ws();
    if (this.s.charCodeAt(this.i) === 0x5d) {
      this.i++;
      return '[]';
    }
    const items: string[] = [];
    for (;;) {
      items.push(this.value(depth + 1));
      this.ws();
      const c = this.s.charCodeAt(this.i++);
      if (c === 0x5d) break;
      if (c !== 0x2c) this.fail("expected ',' or ']'");
    }
    return '[' + items.join(',') + ']';
  }

  string(): string {
    const s = this.s;
    this.i++;
    let out = '';
    let run = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(run, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('control character in a string');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(run, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('bad \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 4;
          break;
        }
        default: this.fail('bad escape');
      }
      run = this.i;
    }
  }

  number(): string {
    const s = this.s;
    const start = this.i;
    let negative = false;
    if (s.charCodeAt(this.i) === 0x2d) {
      negative = true;
      this.i++;
    }
    const digitsFrom = (): string => {
      const a = this.i;
      while (this.i < s.length && s.charCodeAt(this.i) >= 0x30 && s.charCodeAt(this.i) <= 0x39) this.i++;
      return s.slice(a, this.i);
    };
    const intPart = digitsFrom();
    if (intPart === '' || (intPart.length > 1 && intPart[0] === '0')) this.fail('malformed number');
    let frac = '';
    if (s.charCodeAt(this.i) === 0x2e) {
      this.i++;
      frac = digitsFrom();
      if (frac === '') this.fail('malformed number');
    }
    let exp = 0;
    const e = s.charCodeAt(this.i);
    if (e === 0x65 || e === 0x45) {
      this.i++;
      let sign = 1;
      const c = s.charCodeAt(this.i);
      if (c === 0x2b || c === 0x2d) {
        sign = c === 0x2d ? -1 : 1;
        this.i++;
      }
      const ed = digitsFrom();
      if (ed === '') this.fail('malformed number');
      const en = ed.length > 7 ? Infinity : Number(ed);
      if (en > MAX_EXPONENT) this.fail(`exponent beyond ${MAX_EXPONENT}`);
      exp = sign * en;
    }
    return canonicalNumber(negative, intPart, frac, exp, s.slice(start, this.i));
  }
}

/** The canonical text of a JSON number given its parts (value = ±int.frac × 10^exp). */
function canonicalNumber(negative: boolean, intPart: string, frac: string, exp: number, literal: string): string {
  const mantissa = intPart + frac;
  const scale = frac.length - exp; // value = ±mantissa × 10^-scale
  let integer: string | null = null;
  if (scale <= 0) {
    integer = mantissa + '0'.repeat(-scale);
  } else {
    const cut = mantissa.length - scale;
    const dropped = cut >= 0 ? mantissa.slice(cut) : mantissa;
    if (/^0*$/.test(dropped)) integer = cut > 0 ? mantissa.slice(0, cut) : '0';
  }
  if (integer !== null) {
    integer = integer.replace(/^0+(?=\d)/, '');
    return negative && integer !== '0' ? '-' + integer : integer;
  }
  // Not an integer: nearest binary64 (Number() rounds correctly), printed as ECMAScript does.
  const v = Number(literal);
  return Object.is(v, -0) ? '0' : String(v);
}

/** Canonical form of a JSON text; throws HashValueError when the text is not JSON. */
export function canonicalJson(text: string): string {
  const p = new Parser(text);
  const out = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('trailing characters after the value');
  return out;
}
