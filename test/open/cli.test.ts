/**
 * dj-cat as users run it: compiled with the project's build config (into a temporary directory,
 * so parallel builds of the working tree do not interfere) and spawned with node, on a snapshot
 * exported from the fixture pipeline (PGlite): an array, a dict, an attachment, --json, --npy
 * (the file loads), --ref to an older commit, a plain snapshot directory, and every error with
 * its exit code.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeBlob, ndarray } from '../../src/blob/index.js';
import { exportPipeline } from '../../src/export/export.js';
import { parseStoreConfig } from '../../src/objects/stores.js';
import { forEachBackend, type Scratch } from '../support/backends.js';
import { buildFixturePipeline, type FixtureDescription } from '../support/fixture.js';
import { parseNpy } from './npy-parse.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function run(cmd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `npm run build`'s compilation, into `dir` (next to links to formats/ and node_modules/). */
async function buildCli(dir: string): Promise<void> {
  // Type errors elsewhere in a tree under construction do not stop tsc from emitting.
  await run(process.execPath, [path.join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir]);
  await symlink(path.join(repoRoot, 'formats'), path.join(dir, 'formats'));
  await symlink(path.join(repoRoot, 'node_modules'), path.join(dir, 'node_modules'));
}

forEachBackend((backend) => {
  describe('dj-cat', () => {
    let scratch: Scratch;
    let work: string;
    let build: string;
    let built: Promise<void> | undefined;
    let repo: string;
    let fixture: FixtureDescription;
    let ephys: string;
    let analysis: string;
    let lab: string;
    const cat = (...args: string[]) => run(process.execPath, [path.join(build, 'cli', 'dj-cat.js'), ...args]);

    beforeAll(async () => {
      scratch = await backend.createScratch();
      work = await mkdtemp(path.join(os.tmpdir(), 'dj-cat-'));
      build = path.join(work, 'build');
      built = buildCli(build);
      repo = path.join(work, 'repo');
      const db = await scratch.connect();
      try {
        fixture = await buildFixturePipeline(db, { prefix: scratch.prefix, storeRoot: path.join(work, 'store') });
        ({ ephys, analysis, lab } = fixture.schemas);
        const stores = parseStoreConfig(fixture.stores, '/');
        await exportPipeline({ db, schemas: fixture.schemaList, stores, repo });
        // a second commit in which one blob changed, for --ref
        await db.query(`UPDATE ${db.quoteIdent(ephys)}.${db.quoteIdent('#sorting_method')} SET ${db.quoteIdent('params')} = $1 WHERE ${db.quoteIdent('method')} = 'manual'`,
          [Buffer.from(encodeBlob(ndarray('int32', [2], Int32Array.from([7, 8]))))]);
        await exportPipeline({ db, schemas: fixture.schemaList, stores, repo });
      } finally {
        await db.close();
      }
      await built;
    });
    afterAll(async () => {
      await scratch?.cleanup();
      // a build still running would write into the removed folder
      await built?.catch(() => {});
      if (work) await rm(work, { recursive: true, force: true });
    });

    it('prints an array with dtype, shape and its values', async () => {
      const r = await cat(repo, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=2', '--attr', 'traces');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      // options may come before the positionals too
      const reordered = await cat(repo, '--key', 'subject_id=1', `${ephys}._recording`, '--key', 'session_idx=2', '--attr', 'traces');
      expect(reordered.stdout).toBe(r.stdout);
      expect(r.stdout).toBe([
        `# ${ephys}._recording(subject_id=1, session_idx=2).traces  <blob>`,
        'float64 array, shape (4, 2)',
        '  [[-1.0, -0.5],',
        '   [ 0.0,  0.5],',
        '   [ 1.0,  1.5],',
        '   [ 2.0,  2.5]]',
        '',
      ].join('\n'));
      const big = await cat(repo, `${analysis}.__population`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--key', 'method=kilo', '--attr', 'big');
      expect(big.stdout).toContain('float64 array, shape (2000,)\n  [0.0, 0.0, 0.0, ..., 0.0, 0.0, 0.0]\n');
    });

    it('prints dicts inline when short and indented when not, in Python notation', async () => {
      const params = await cat(repo, `${ephys}.#sorting_method`, '--key', 'method=kilo', '--attr', 'params');
      expect(params.code).toBe(0);
      expect(params.stdout.split('\n')[1]).toBe("{'threshold': 4.5, 'channels': [0, 1], 'whiten': True}");
      const labels = await cat(repo, `${analysis}.__population`, '--key', 'subject_id=2', '--key', 'session_idx=1', '--key', 'method=manual', '--attr', 'labels');
      expect(labels.stdout.split('\n')[1]).toBe("['good', 'mua', b'\\x01\\x02\\x03']");
      const meta = await cat(repo, `${analysis}.__population`, '--key', 'subject_id=1', '--key', 'session_idx=2', '--attr', 'meta');
      expect(meta.stdout.split('\n').slice(1)).toEqual([
        'dict (5 items)', "  'n': 1", "  'name': 'pop 1'", "  'ratio': 0.5", "  'missing': None", "  'pair': (-1, 300)", '',
      ]);
    });

    it('prints an attachment as its name, size and first bytes; a NULL as NULL', async () => {
      const r = await cat(repo, `${ephys}._recording`, '--key', 'subject_id=2', '--key', 'session_idx=1', '--attr', 'protocol_copy');
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n').slice(1)).toEqual([
        "attachment 'protocol_2.txt', 26 bytes", 'first 26 bytes as text:', '  1. anaesthetise', '  2. record', '',
      ]);
      const none = await cat(repo, `${lab}.nullable_types`, '--key', 'row_id=1', '--attr', 'n_blob');
      expect(none.stdout.split('\n')[1]).toBe('NULL');
    });

    it('--json prints the typed JSON view (arrays inline), attachments with their bytes', async () => {
      const counts = await cat(repo, `${analysis}.__population`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--key', 'method=kilo', '--attr', 'counts', '--json');
      expect(counts.code).toBe(0);
      expect(JSON.parse(counts.stdout)).toEqual({ type: 'array', dtype: 'int64', shape: [3], order: 'C', data: [0, -1, '9007199254740993'] });
      const big = await cat(repo, `${analysis}.__population`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--key', 'method=kilo', '--attr', 'big', '--json');
      expect((JSON.parse(big.stdout) as { data: number[] }).data).toHaveLength(2000);
      const att = await cat(repo, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--attr', 'protocol', '--json');
      const doc = JSON.parse(att.stdout) as { type: string; name: string; size: number; sha256: string; base64: string };
      const body = Buffer.from('1. anaesthetise\n2. record\n');
      expect(doc).toEqual({ type: 'attachment', name: 'protocol.txt', size: body.length, sha256: createHash('sha256').update(body).digest('hex'), base64: body.toString('base64') });
    });

    it('--npy saves a numeric array that loads (independent parser, and NumPy when present)', async () => {
      const file = path.join(work, 'rates.npy');
      const r = await cat(repo, `${analysis}.__population`, '--key', 'subject_id=2', '--key', 'session_idx=1', '--key', 'method=manual', '--attr', 'rates', '--npy', file);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^wrote .*rates\.npy: float32 array, shape \(2, 3\), \d+ B\n$/);
      const npy = parseNpy(readFileSync(file));
      expect([npy.descr, npy.shape]).toEqual(['<f4', [2, 3]]);
      expect([...new Float32Array(npy.data.buffer)]).toEqual([1, 2, 3, 4, 5, 6].map((x) => Math.fround(Math.fround(x * 0.1) + 2)));
      const numpy = spawnSync('/usr/bin/python3', ['-c', 'import sys, numpy as np; a = np.load(sys.argv[1]); print(a.dtype.str, a.shape, a.tolist())', file], { encoding: 'utf8' });
      if (numpy.status === 0) expect(numpy.stdout).toMatch(/^<f4 \(2, 3\) \[\[2\.0999999046325684, 2\.200000047683716, /);
      else console.warn('!!! SKIPPED numpy.load of dj-cat --npy output: /usr/bin/python3 has no numpy (apt-get install python3-numpy) !!!');
    });

    it('reads any ref (--ref) and plain snapshot directories', async () => {
      const now = await cat(repo, `${ephys}.#sorting_method`, '--key', 'method=manual', '--attr', 'params');
      expect(now.stdout).toContain('int32 array, shape (2,)\n  [7, 8]');
      const before = await cat(repo, `${ephys}.#sorting_method`, '--key', 'method=manual', '--attr', 'params', '--ref', 'HEAD~1');
      expect(before.stdout.split('\n')[1]).toBe('{}');
      const dir = path.join(work, 'plain');
      await cp(repo, dir, { recursive: true, filter: (src) => path.basename(src) !== '.git' });
      const plain = await cat(dir, `${ephys}.#sorting_method`, '--key', 'method=manual', '--attr', 'params');
      expect(plain.stdout).toBe(now.stdout);
      // the tier prefix may be left out
      const loose = await cat(dir, `${ephys}.sorting_method`, '--key', 'method=manual', '--attr', 'params');
      expect(loose.stdout).toBe(now.stdout);
    });

    it('says clearly what is wrong, with exit 2 for usage and 1 for a missing row', async () => {
      const base = [repo];
      const cases: [string[], number, RegExp][] = [
        [[...base, `${ephys}.nope`, '--key', 'x=1', '--attr', 'a'], 2, /has no table .*\.nope.*the snapshot has: .*_recording/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--attr', 'nope'], 2, /has no attribute nope\. Its blob and attachment attributes are: traces, raw, protocol, protocol_copy/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--attr', 'sampling_rate'], 2, /sampling_rate is float64, not a blob or attachment/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=9', '--attr', 'traces'], 1, /has no row with subject_id=1, session_idx=9/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1', '--attr', 'traces'], 2, /More than one row .* add --key for session_idx/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=one', '--attr', 'traces'], 2, /subject_id: "one" is not an integer \(int32\)/],
        [[...base, `${ephys}._recording`, '--key', 'sampling_rate=1', '--attr', 'traces'], 2, /sampling_rate is not part of the primary key/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id', '--attr', 'traces'], 2, /--key "subject_id" is not NAME=VALUE/],
        [[...base, `${ephys}.#sorting_method`, '--key', 'method=kilo', '--attr', 'params', '--npy', path.join(work, 'x.npy')], 2, /is a dict, not a numeric array/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--attr', 'protocol', '--npy', path.join(work, 'x.npy')], 2, /is an attachment, not a numeric array/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1', '--key', 'session_idx=1', '--attr', 'traces', '--ref', 'no-such-ref'], 1, /no-such-ref/],
        [[work, `${ephys}._recording`, '--key', 'subject_id=1', '--attr', 'traces'], 2, /is not a readable dj-snapshot: dj-snapshot\.json is missing/],
        [[...base, `${ephys}._recording`, '--key', 'subject_id=1'], 2, /Missing required argument: attr/],
        [[...base, `${ephys}._recording`, '--attr', 'traces', '--key'], 2, /Not enough arguments following: key/],
        [[...base, '--key', 'subject_id=1', '--attr', 'traces'], 2, /Give a SNAPSHOT and a SCHEMA\.TABLE/],
      ];
      for (const [args, code, message] of cases) {
        const r = await cat(...args);
        expect(r.stderr, args.join(' ')).toMatch(message);
        expect(r.stderr, args.join(' ')).not.toMatch(/internal error/);
        expect(r.code, args.join(' ')).toBe(code);
        expect(r.stdout).toBe('');
      }
      const json = await cat(repo, `${ephys}.nope`, '--key', 'x=1', '--attr', 'a', '--json');
      expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, error: { code: 'unknown_table' } });
      expect(json.code).toBe(2);
    });
  });
}, ['pglite']);
