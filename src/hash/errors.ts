/** Errors of the logical content hash; each names the value or input and what to do. */
import { InputError } from '../errors/base.js';

/** A value that does not match its column's kind, so it has no canonical encoding. */
export class HashValueError extends InputError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('hash-value', message, data);
  }
}

/** Bad arguments to a hash function (duplicate names, malformed hashes, misuse). */
export class HashInputError extends InputError {
  constructor(message: string, data: Record<string, unknown> = {}) {
    super('hash-input', message, data);
  }
}
