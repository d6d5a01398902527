/**
 * Exact decimal text <-> unscaled integer, shared by the Parquet writer/reader.
 *
 * Canonical decimal text (src/values/kinds.ts): optional "-", integer digits without leading
 * zeros (a lone "0" allowed), and, when scale > 0, "." and exactly `scale` digits; never "-0".
 */

export interface ParsedDecimal {
  negative: boolean;
  /** Unscaled digits without leading zeros ("0" for zero). */
  digits: string;
}

/**
 * Parse decimal text and normalise it to `scale`: fewer fraction digits are padded with zeros,
 * extra fraction digits are accepted only when they are zeros. Returns null when the text is
 * not a plain decimal ("1e3", "+1", ".5", "1.", "NaN"), when non-zero digits would be lost, or
 * when more than `precision - scale` integer digits remain.
 */
export function parseDecimal(text: string, precision: number, scale: number): ParsedDecimal | null {
  let i = 0;
  const n = text.length;
  let negative = false;
  if (n > 0 && text.charCodeAt(0) === 45 /* - */) {
    negative = true;
    i = 1;
  }
  const intStart = i;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) break;
    i++;
  }
  const intEnd = i;
  if (intEnd === intStart) return null;
  let fracStart = i;
  let fracEnd = i;
  if (i < n) {
    if (text.charCodeAt(i) !== 46 /* . */) return null;
    i++;
    fracStart = i;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) return null;
      i++;
    }
    fracEnd = i;
    if (fracEnd === fracStart) return null;
  }
  let intDigits = text.slice(intStart, intEnd);
  let lead = 0;
  while (lead < intDigits.length - 1 && intDigits.charCodeAt(lead) === 48) lead++;
  if (lead > 0) intDigits = intDigits.slice(lead);
  let frac = text.slice(fracStart, fracEnd);
  if (frac.length > scale) {
    for (let k = scale; k < frac.length; k++) if (frac.charCodeAt(k) !== 48) return null;
    frac = frac.slice(0, scale);
  } else if (frac.length < scale) {
    frac = frac + '0'.repeat(scale - frac.length);
  }
  if (intDigits !== '0' && intDigits.length > precision - scale) return null;
  let digits = intDigits === '0' ? frac : intDigits + frac;
  let z = 0;
  while (z < digits.length - 1 && digits.charCodeAt(z) === 48) z++;
  if (z > 0) digits = digits.slice(z);
  if (digits === '' ) digits = '0';
  if (digits === '0') negative = false;
  return { negative, digits };
}

/** Canonical text of an unscaled integer (as decimal digit string, no sign) at `scale`. */
export function formatDecimal(negative: boolean, digits: string, scale: number): string {
  let d = digits;
  if (scale > 0) {
    if (d.length <= scale) d = '0'.repeat(scale - d.length + 1) + d;
    d = d.slice(0, d.length - scale) + '.' + d.slice(d.length - scale);
  }
  return negative && digits !== '0' ? '-' + d : d;
}

/** Canonical text of a decimal text, or null if it does not fit (see parseDecimal). */
export function normaliseDecimal(text: string, precision: number, scale: number): string | null {
  const p = parseDecimal(text, precision, scale);
  return p === null ? null : formatDecimal(p.negative, p.digits, scale);
}
