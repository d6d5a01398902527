#!/usr/bin/env node
/** dj-import: a thin yargs front end over importSnapshot (src/import/import.ts). */
import { createInterface } from 'node:readline/promises';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { formatBytes, runCli } from '../src/cli/run.js';
import { EXIT } from '../src/errors/base.js';
import { terminalProgress } from '../src/export/progress.js';
import { VerificationFailedError } from '../src/import/errors.js';
import { importSnapshot, type TableResult } from '../src/import/import.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('dj-import')
  .usage('$0 SNAPSHOT --db URL [options]\n\nRebuild a DataJoint pipeline from a snapshot: verify it, create its schemas fresh in the target database, load every table, write the store objects, and check the result against the snapshot\'s content hashes.')
  .demandCommand(1, 1, 'Give exactly one SNAPSHOT (a snapshot repository or directory).', 'Give exactly one SNAPSHOT (a snapshot repository or directory).')
  .option('db', { type: 'string', demandOption: true, describe: 'target database URL: mysql://user@host:port, postgres://user@host:port/db, pglite:DIR (password from DJ_PASS or a prompt)' })
  .option('ref', { type: 'string', describe: 'git ref of the snapshot to import: branch, tag or commit (default HEAD)' })
  .option('rename', { type: 'string', array: true, describe: 'import schema OLD as NEW (OLD=NEW, repeatable); ~lineage rows are rewritten' })
  .option('prefix', { type: 'string', array: true, describe: 'replace the schema-name prefix OLD_ with NEW_ (OLD_=NEW_)' })
  .option('stores', { type: 'string', describe: 'JSON file with DataJoint-style store settings for the target stores ({"main": {"protocol": "file", "location": "..."}})' })
  .option('replace', { type: 'boolean', default: false, describe: 'drop and recreate the imported schemas if they exist (asks first; --yes to confirm)' })
  .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'confirm --replace without asking' })
  .option('resume', { type: 'boolean', default: false, describe: 'finish an interrupted import of the same snapshot (complete tables are checked and kept)' })
  .option('lossy', { type: 'boolean', default: false, describe: 'go on although some columns cannot be carried exactly to this backend' })
  .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON on stdout (no progress output)' })
  .option('progress', { type: 'boolean', describe: 'show progress (default: when stderr is a terminal)' })
  .epilog('Exit codes: 0 imported and verified, 1 problem in the input (invalid snapshot, lossy columns, verification failed), 2 bad usage, 3 cannot connect, 4 target not writable or schemas exist, 70 internal error.')
  .strict()
  .help()
  // Command-line mistakes are usage errors (exit 2), as in the rest of the scheme.
  .fail((message, error) => {
    if (error) throw error;
    process.stderr.write(`error: ${message}\nRun dj-import --help for the options.\n`);
    process.exit(EXIT.usage);
  })
  .parse();

async function askOnTerminal(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

function resultTable(tables: TableResult[]): string {
  const rows = tables.map((t) => [`${t.schema}.${t.table}`, t.rows.toLocaleString('en-US'),
    t.status === 'ok' ? 'ok' : t.status === 'lossy' ? 'differs (lossy)' : 'MISMATCH', t.action]);
  const head = ['table', 'rows', 'hash', 'done'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r[0].padEnd(width[0])}  ${r[1].padStart(width[1])}  ${r[2].padEnd(width[2])}  ${r[3]}`.trimEnd();
  return [line(head), ...rows.map(line)].join('\n');
}

await runCli(argv.json, async () => {
  const showProgress = argv.progress ?? (!argv.json && process.stderr.isTTY);
  const interactive = !argv.json && process.stdin.isTTY && process.stderr.isTTY;
  let result;
  try {
    result = await importSnapshot({
      snapshot: String(argv._[0]),
      ref: argv.ref,
      db: argv.db,
      rename: argv.rename,
      prefix: argv.prefix,
      stores: argv.stores,
      replace: argv.replace,
      yes: argv.yes,
      confirm: interactive ? askOnTerminal : undefined,
      resume: argv.resume,
      lossy: argv.lossy,
      onProgress: showProgress ? terminalProgress(process.stderr) : undefined,
    });
  } catch (e) {
    if (e instanceof VerificationFailedError && !argv.json) {
      process.stderr.write(`${resultTable(e.data.results as TableResult[])}\n`);
    }
    throw e;
  }
  if (argv.json) {
    process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n');
    return EXIT.ok;
  }
  if (!showProgress) for (const w of result.warnings) process.stderr.write(`warning: ${w}\n`);
  const renamed = result.schemas.filter((s) => s.name !== s.source);
  const lines = [
    resultTable(result.tables),
    '',
    `imported ${result.snapshot.source}${result.snapshot.commit ? ` at ${result.snapshot.ref} (${result.snapshot.commit.slice(0, 12)})` : ''} into ${result.target.url}`,
    `  schemas  ${result.schemas.length} (${result.schemas.map((s) => s.name).join(', ')})${renamed.length ? `; renamed ${renamed.map((s) => `${s.source}→${s.name}`).join(', ')}` : ''}`,
    `  tables   ${result.tables.length}${result.resumed ? ` (resumed: ${result.tables.filter((t) => t.action === 'kept').length} kept)` : ''}`,
    `  rows     ${result.rows.toLocaleString('en-US')}`,
    `  objects  ${result.objects.count} (${formatBytes(result.objects.bytes)}), ${result.objects.written} written${result.objects.missing ? `, ${result.objects.missing} missing in the snapshot` : ''}`,
    `  hash     ${result.target.pipelineHash}${result.target.pipelineHash === result.snapshot.pipelineHash ? ' (= snapshot)' : ` (snapshot ${result.snapshot.pipelineHash}${renamed.length ? '; differs by the renaming' : ''})`}`,
    `  time     ${result.seconds.toFixed(1)} s (verify snapshot ${result.phases.verify.toFixed(1)} s, load ${result.phases.load.toFixed(1)} s, objects ${result.phases.objects.toFixed(1)} s, verify target ${result.phases.check.toFixed(1)} s)`,
  ];
  if (result.replaced.length) lines.push(`  replaced ${result.replaced.join(', ')}`);
  if (result.lossyTables.length) lines.push(`  lossy    ${result.lossyTables.join(', ')} (cannot match the snapshot's hashes)`);
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
});
