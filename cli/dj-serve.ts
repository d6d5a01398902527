#!/usr/bin/env node
/** dj-serve: a thin yargs front end over serveSnapshot (src/serve/serve.ts). */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { failUsage, formatBytes, runCli } from '../src/cli/run.js';
import { EXIT, UsageError } from '../src/errors/base.js';
import { terminalProgress } from '../src/export/progress.js';
import { ServeCancelledError } from '../src/serve/errors.js';
import { DEFAULT_HOST, DEFAULT_PORT, isLoopback, serveSnapshot, type ServedSnapshot } from '../src/serve/serve.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('dj-serve')
  .usage('$0 SNAPSHOT [options]\n\nServe a snapshot to DataJoint without a database server: import it into an in-memory PGlite (PostgreSQL 18 in WebAssembly), restore its objects into local file stores, and answer the PostgreSQL wire protocol until stopped with Ctrl-C.')
  .positional('SNAPSHOT', { describe: 'snapshot repository (read at --ref) or plain snapshot directory' })
  .demandCommand(1, 1, 'Give exactly one SNAPSHOT (a snapshot repository or directory).', 'Give exactly one SNAPSHOT (a snapshot repository or directory).')
  .option('ref', { type: 'string', describe: 'git ref of the snapshot to serve: branch, tag or commit (default HEAD)' })
  .option('port', { type: 'string', default: String(DEFAULT_PORT), describe: 'TCP port to listen on (0: any free port)' })
  .option('host', { type: 'string', default: DEFAULT_HOST, describe: 'address to listen on; anything but loopback lets anyone who can reach it in, without a password' })
  .option('stores', { type: 'string', describe: 'folder for the object stores, one sub-folder per store, kept at exit (default: a temporary folder removed at exit)' })
  .option('cache', { type: 'string', describe: 'folder for a saved empty database that makes later starts faster (default $XDG_CACHE_HOME/dj-snapshot or ~/.cache/dj-snapshot); --no-cache: none' })
  .option('lossy', { type: 'boolean', default: false, describe: 'serve even when some columns cannot be held exactly by PostgreSQL (listed before anything is served; those tables then differ from the snapshot)' })
  .option('json', { type: 'boolean', default: false, describe: 'print one JSON line when serving and one when stopped (no progress output)' })
  .option('progress', { type: 'boolean', describe: 'show progress (default: when stderr is a terminal)' })
  .epilog([
    'Limits of the embedded server: all clients share ONE database session (an open transaction makes the others wait; session settings are shared); no authentication and no SSL (loopback only by default); COPY ... FROM STDIN is refused; the whole database lives in memory (about 0.5 GB plus the data: for large snapshots use dj-import into a server), and changes are lost at exit unless exported (dj-export --db postgres://postgres@HOST:PORT/postgres, any DJ_PASS).',
    'Exit codes: 0 stopped by Ctrl-C/SIGTERM/SIGHUP after serving, 1 problem in the snapshot, 2 bad usage, 4 cannot listen or write the stores, 70 internal error, 129/130/143 interrupted by SIGHUP/SIGINT/SIGTERM before serving.',
  ].join('\n\n'))
  .strict()
  .help()
  .fail(failUsage('dj-serve'))
  .parse();

function parsePort(text: string): number {
  const port = /^\d{1,5}$/.test(text.trim()) ? Number(text) : NaN;
  if (!(port <= 65535)) throw new UsageError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not ${JSON.stringify(text)}.`, { port: text });
  return port;
}

const controller = new AbortController();
let stopSignal: NodeJS.Signals | null = null;
let serving = false;
let signalled: (signal: NodeJS.Signals) => void = () => {};
const stopped = new Promise<NodeJS.Signals>((resolve) => {
  signalled = resolve;
});
function onSignal(signal: NodeJS.Signals): void {
  if (stopSignal) {
    // A second Ctrl-C while shutting down: leave at once.
    process.stderr.write(`dj-serve: ${signal} again, exiting without a clean shutdown\n`);
    process.exit(128 + ({ SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as Record<string, number>)[signal]);
  }
  stopSignal = signal;
  if (!serving) process.stderr.write(`dj-serve: ${signal}, stopping after the current step (again to exit at once)\n`);
  controller.abort(signal);
  signalled(signal);
}
// SIGHUP too: a closed terminal must not leave temporary stores behind.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
for (const s of SIGNALS) process.on(s, onSignal);

function readyText(s: ServedSnapshot): string {
  const r = s.import;
  const snapshot = r.snapshot.commit ? `${r.snapshot.source} at ${r.snapshot.ref} (commit ${r.snapshot.commit.slice(0, 12)})` : r.snapshot.source;
  const lines = [
    `dj-serve: serving ${snapshot}`,
    `  imported  ${r.schemas.length} schema${r.schemas.length === 1 ? '' : 's'} (${r.schemas.map((x) => x.name).join(', ')}), ${r.tables.length} tables, ${r.rows.toLocaleString('en-US')} rows, ${r.objects.count} objects (${formatBytes(r.objects.bytes)}); verified against the snapshot's hashes`,
    `  hash      ${r.target.pipelineHash}`,
    ...(r.lossyTables.length ? [`  lossy     ${r.lossyTables.join(', ')} (columns PostgreSQL cannot hold exactly; see the warnings)`] : []),
    `  stores    ${s.storesDir}${s.storesTemporary ? ' (temporary, removed at exit)' : ''}`,
    `  server    ${s.serverVersion.split(' on ')[0]}, listening on ${s.boundHost}:${s.port} (started in ${s.seconds.toFixed(1)} s${s.startedFromCache ? ', empty database from the cache' : ''})`,
    '',
    'DataJoint settings (datajoint.json; any password is accepted):',
    JSON.stringify(s.settings, null, 2),
    '',
    'Or as environment variables, ready to paste before `python`:',
    `  ${s.envLine}`,
    '',
    `psql:      psql "${s.url}"`,
    `dj-export: DJ_PASS=unused dj-export --db ${s.url} --repo DIR${Object.keys(s.settings.stores).length ? " --stores FILE (the stores block above)" : ""}   (changes are lost at exit unless exported)`,
    '',
    'All clients share one database session: a transaction left open makes the others wait. COPY FROM STDIN is refused.',
    'Press Ctrl-C to stop.',
  ];
  return lines.join('\n') + '\n';
}

await runCli(argv.json, async () => {
  const showProgress = argv.progress ?? (!argv.json && process.stderr.isTTY);
  const host = argv.host;
  const port = parsePort(argv.port);
  if (!isLoopback(host)) {
    process.stderr.write(`warning: dj-serve has NO authentication and no SSL. Listening on ${host} lets anyone who can reach port ${port} of this machine read and change the served database. Use the default --host 127.0.0.1 unless you mean it.\n`);
  }
  const served = await serveSnapshot({
    snapshot: String(argv._[0]),
    ref: argv.ref,
    host,
    port,
    stores: argv.stores,
    lossy: argv.lossy,
    // yargs turns --no-cache into false also for a string option.
    cacheDir: (argv.cache as string | boolean | undefined) === false ? null : argv.cache || undefined,
    signal: controller.signal,
    onProgress: showProgress ? terminalProgress(process.stderr) : undefined,
    onCopyRefused: (sql) => process.stderr.write(`warning: refused a client's COPY FROM STDIN (not supported over the socket): ${sql.replace(/\s+/g, ' ').trim().slice(0, 200)}\n`),
  });
  if (stopSignal) {
    await served.close();
    throw new ServeCancelledError(stopSignal);
  }
  serving = true;
  if (argv.json) {
    const r = served.import;
    process.stdout.write(JSON.stringify({
      ok: true, serving: true, host: served.host, boundHost: served.boundHost, port: served.port, database: served.database,
      user: served.user, url: served.url, settings: served.settings, env: served.env, envLine: served.envLine,
      storesDir: served.storesDir, storesTemporary: served.storesTemporary, exposed: served.exposed,
      serverVersion: served.serverVersion, seconds: served.seconds, startedFromCache: served.startedFromCache,
      snapshot: r.snapshot, pipelineHash: r.target.pipelineHash, schemas: r.schemas, tables: r.tables.length, rows: r.rows,
      objects: r.objects, lossyTables: r.lossyTables, warnings: r.warnings,
    }) + '\n');
  } else {
    for (const w of served.import.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stdout.write(readyText(served));
  }
  const signal = await stopped;
  if (!argv.json) process.stderr.write(`dj-serve: ${signal}, stopping\n`);
  await served.close();
  if (argv.json) process.stdout.write(JSON.stringify({ ok: true, stopped: signal }) + '\n');
  else process.stderr.write('dj-serve: stopped\n');
  return EXIT.ok;
});
for (const s of SIGNALS) process.off(s, onSignal);
