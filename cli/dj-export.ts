#!/usr/bin/env node
/** dj-export: a thin yargs front end over exportPipeline (src/export/export.ts). */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exportPipeline } from '../src/export/export.js';
import { terminalProgress } from '../src/export/progress.js';
import { failUsage, formatBytes, runCli } from '../src/cli/run.js';
import { EXIT } from '../src/errors/base.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('dj-export')
  .usage('$0 --db URL --repo DIR [options]\n\nSnapshot a DataJoint pipeline into a git repository: one Parquet file per table, store objects as files, manifests, one commit.')
  .option('db', { type: 'string', demandOption: true, describe: 'database URL: mysql://user@host:port, postgres://user@host:port/db, pglite:DIR or pglite:memory (password from DJ_PASS or a prompt)' })
  .option('schema', { type: 'string', array: true, describe: 'schema names or globs (e.g. lab_*); default: every DataJoint schema' })
  .option('stores', { type: 'string', describe: 'JSON file with DataJoint-style store settings ({"main": {"protocol": "file", "location": "..."}})' })
  .option('repo', { type: 'string', demandOption: true, describe: 'snapshot repository: created if absent or empty, else a new commit on its current branch' })
  .option('message', { alias: 'm', type: 'string', describe: 'commit subject (default: "dj-export of N schemas (…)")' })
  .option('include-jobs', { type: 'boolean', default: false, describe: 'also export jobs tables (~~name, ~jobs)' })
  .option('open', { type: 'boolean', default: false, describe: 'also write the open view: every blob and attachment decoded to .npy/JSON/files under open/ (formats/open.md)' })
  .option('allow-missing-objects', { type: 'boolean', default: false, describe: 'record missing or corrupt store objects in the manifest instead of failing' })
  .option('json', { type: 'boolean', default: false, describe: 'print the result as JSON on stdout (no progress output)' })
  .option('progress', { type: 'boolean', describe: 'show progress (default: when stderr is a terminal)' })
  .epilog('Exit codes: 0 done (or unchanged), 1 problem in the input (missing objects, no matching schema), 2 bad usage, 3 cannot connect, 4 cannot write the target, 70 internal error.')
  .strict()
  .help()
  .fail(failUsage('dj-export'))
  .parse();

await runCli(argv.json, async () => {
  const showProgress = argv.progress ?? (!argv.json && process.stderr.isTTY);
  const result = await exportPipeline({
    db: argv.db,
    schemas: argv.schema,
    stores: argv.stores,
    repo: argv.repo,
    message: argv.message,
    includeJobs: argv['include-jobs'],
    allowMissingObjects: argv['allow-missing-objects'],
    open: argv.open,
    command: ['dj-export', ...process.argv.slice(2)],
    onProgress: showProgress ? terminalProgress(process.stderr) : undefined,
  });
  if (argv.json) {
    process.stdout.write(JSON.stringify({ ok: true, ...result }) + '\n');
    return EXIT.ok;
  }
  for (const w of result.warnings) if (!showProgress) process.stderr.write(`warning: ${w}\n`);
  const lines = [
    result.unchanged ? 'unchanged: the pipeline is identical to the last snapshot; no commit made' : `committed ${result.commit}`,
    `  schemas  ${result.schemas.length} (${result.schemas.map((s) => s.name).join(', ')})`,
    `  tables   ${result.tables}`,
    `  rows     ${result.rows.toLocaleString('en-US')}`,
    `  objects  ${result.objects.count} (${formatBytes(result.objects.bytes)})${result.objects.missing ? `, ${result.objects.missing} missing` : ''}`,
    ...(result.openFiles ? [`  open     ${result.openFiles} files under open/`] : []),
    `  size     ${formatBytes(result.bytes)}`,
    `  tree     ${result.tree}`,
    `  hash     ${result.pipelineHash}`,
  ];
  if (result.skipped.length) lines.push(`  skipped  ${result.skipped.length} (${result.skipped.map((s) => `${s.schema}.${s.name}`).join(', ')})`);
  process.stdout.write(lines.join('\n') + '\n');
  return EXIT.ok;
});
