#!/usr/bin/env node
/** dj-cat: print one blob or attachment value of a snapshot (a thin front end over src/open/read.ts). */
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { arrayToNpy } from '../src/blob/index.js';
import { formatBytes, runCli } from '../src/cli/run.js';
import { EXIT, UsageError } from '../src/errors/base.js';
import { NotAnArrayError, ValueUnreadableError } from '../src/open/errors.js';
import { openJsonDocument, serializeOpenJson } from '../src/open/json-doc.js';
import { formatOpenValue } from '../src/open/pretty.js';
import { readSnapshotValue } from '../src/open/read.js';
import { isNpyArray } from '../src/open/render.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('dj-cat')
  .usage('$0 SNAPSHOT SCHEMA.TABLE --key NAME=VALUE [--key …] --attr ATTRIBUTE [options]\n\nPrint one decoded blob or attachment of a snapshot: arrays with dtype, shape and a preview, containers indented, attachments as name, size and first bytes.')
  .positional('SNAPSHOT', { describe: 'snapshot repository (read at --ref) or plain snapshot directory' })
  .positional('SCHEMA.TABLE', { describe: 'the table, by schema and SQL table name (e.g. lab.session, ephys._recording)' })
  .demandCommand(2, 2, 'Give a SNAPSHOT and a SCHEMA.TABLE.', 'Give exactly one SNAPSHOT and one SCHEMA.TABLE.')
  // Not `array: true`: that would swallow the positionals after the first --key.
  .option('key', { type: 'string', requiresArg: true, demandOption: true, describe: 'primary-key value NAME=VALUE (repeat for each key attribute); dates YYYY-MM-DD, datetimes YYYY-MM-DDTHH:MM:SS[.ffffff], uuids 8-4-4-4-12, bytes hex' })
  .option('attr', { type: 'string', demandOption: true, describe: 'the blob or attachment attribute to show' })
  .option('ref', { type: 'string', describe: 'git ref of the snapshot: branch, tag or commit (default HEAD)' })
  .option('json', { type: 'boolean', default: false, describe: 'print the typed JSON view (formats/open.md) instead of text' })
  .option('npy', { type: 'string', describe: 'save a numeric array as a NumPy .npy file at this path' })
  .epilog('Exit codes: 0 shown, 1 no such row or the value cannot be decoded, 2 bad usage (unknown table, attribute or key, not a blob, --npy on a non-array), 70 internal error.')
  .strict()
  .help()
  .fail((message: string | undefined, error: Error | undefined) => {
    // Every yargs failure is a bad command line: exit 2 (see the epilog); yargs would use 1.
    process.stderr.write(`error: ${message ?? error?.message ?? 'bad command line'}\nRun dj-cat --help for the usage.\n`);
    process.exit(EXIT.usage);
  })
  .parse();

function keyPairs(raw: readonly string[]): [string, string][] {
  return raw.map((k) => {
    const eq = k.indexOf('=');
    if (eq <= 0) throw new UsageError(`--key ${JSON.stringify(k)} is not NAME=VALUE.`, { key: k });
    return [k.slice(0, eq), k.slice(eq + 1)];
  });
}

await runCli(argv.json, async () => {
  const [snapshot, table] = argv._.map(String);
  const keys = ([] as string[]).concat(argv.key as string | string[]);
  const result = await readSnapshotValue({ snapshot, table, ref: argv.ref, key: keyPairs(keys), attribute: argv.attr });
  const where = `${result.schema}.${result.table}(${result.key.map((k) => `${k.attribute}=${k.text}`).join(', ')}).${result.attribute}`;
  const value = result.value;
  if (value.kind === 'error') throw new ValueUnreadableError(where, value.message);

  if (argv.npy !== undefined) {
    if (value.kind !== 'blob' || !isNpyArray(value.value)) {
      const found = value.kind === 'none' ? 'NULL' : value.kind === 'attachment' ? 'an attachment'
        : value.value.type === 'array' ? `a ${value.value.dtype} array` : `a ${value.value.type}`;
      throw new NotAnArrayError(where, found);
    }
    const bytes = arrayToNpy(value.value);
    await writeFile(argv.npy, bytes);
    const summary = { ok: true, file: argv.npy, dtype: value.value.dtype, shape: value.value.shape, bytes: bytes.length };
    process.stdout.write(argv.json ? `${JSON.stringify(summary)}\n`
      : `wrote ${argv.npy}: ${value.value.dtype} array, shape (${value.value.shape.join(', ')}${value.value.shape.length === 1 ? ',' : ''}), ${formatBytes(bytes.length)}\n`);
    return EXIT.ok;
  }

  if (argv.json) {
    if (value.kind === 'none') process.stdout.write('null\n');
    else if (value.kind === 'blob') process.stdout.write(serializeOpenJson(openJsonDocument(value.value, null).doc));
    else {
      process.stdout.write(serializeOpenJson({
        type: 'attachment',
        name: Buffer.from(value.name).toString('utf8'),
        size: value.contents.length,
        sha256: createHash('sha256').update(value.contents).digest('hex'),
        base64: Buffer.from(value.contents).toString('base64'),
      }));
    }
    return EXIT.ok;
  }

  process.stdout.write(`# ${where}  ${result.djType ?? 'blob'}\n${formatOpenValue(value)}\n`);
  return EXIT.ok;
});
