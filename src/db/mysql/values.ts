/**
 * How mysql2 turns text-protocol values into RawValues (see db/types.ts). Most of it is driver
 * options; the typeCast only steps in where mysql2's own conversion loses information.
 */
import type { TypeCast } from 'mysql2';

/** Driver options that keep values exact: no JS Dates, no lossy big numbers, JSON untouched. */
export const VALUE_OPTIONS = {
  dateStrings: true,
  supportBigNumbers: true,
  bigNumberStrings: true,
  decimalNumbers: false,
  jsonStrings: true,
} as const;

/**
 * - DOUBLE/FLOAT: parseFloat of the wire text. mysql2's own parser returns a value 1 ulp off
 *   for about 0.4 % of doubles (e.g. the text 90969.53156404197).
 * - JSON (MySQL's native type arrives with the binary charset): the UTF-8 text, unparsed.
 * - GEOMETRY/VECTOR: the raw bytes (mysql2 would build objects/arrays that are not RawValues).
 */
export const typeCast: TypeCast = (field, next) => {
  switch (field.type) {
    case 'DOUBLE':
    case 'FLOAT': {
      const text = field.string('ascii');
      return text === null ? null : parseFloat(text);
    }
    case 'JSON':
      return field.string('utf8');
    case 'GEOMETRY':
    case 'VECTOR':
      return field.buffer();
    default:
      return next();
  }
};
