/** A bulk load the server accepted only in part; the table's transaction is rolled back. */
import { InputError } from '../../errors/base.js';

export class LoadRejectedError extends InputError {
  constructor(table: string, sent: number, stored: number, warnings: string[]) {
    super('load_rejected',
      `${table}: the server stored ${stored} of ${sent} rows${warnings.length ? ` and reported:\n  ${warnings.join('\n  ')}` : ''}\nThe table's load was rolled back. This means the target cannot hold these values as they are (collation, type or strict-mode differences); report it with the messages above.`,
      { table, sent, stored, warnings });
  }
}
