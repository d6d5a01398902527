/**
 * The one error class of the DDL compiler: the snapshot's manifests cannot be turned into DDL
 * for the target as asked (damaged SQL text, a rename that collides, a name the target cannot
 * hold). `code` says which; `data` names the schema, table or column concerned.
 */
import { InputError } from '../errors/base.js';

export type DdlErrorCode =
  | 'sql_unparsable'
  | 'manifest_invalid'
  | 'rename_invalid'
  | 'identifier_too_long';

export class DdlError extends InputError {
  constructor(code: DdlErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(code, message, data);
  }
}
