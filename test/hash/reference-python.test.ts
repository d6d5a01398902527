/**
 * The Python reference implementation printed in formats/hash.md §10, run on random rows of
 * every kind, must agree with ours. This keeps the spec executable and complete. It needs only
 * python3's standard library; without python3 the suite is skipped, loudly.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/hash/canonical-json.js';
import { TableHasher } from '../../src/hash/table-hasher.js';
import type { ColumnShape, CValue, ValueKind } from '../../src/values/kinds.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const python = process.env.DJ_SNAPSHOT_PYTHON ?? 'python3';
const available = spawnSync(python, ['-c', 'import hashlib, json, decimal'], { encoding: 'utf8' }).status === 0;
if (!available) console.warn(`SKIPPED hash reference checks: ${python} is not runnable. Install python3 to run them.`);

const dir = mkdtempSync(join(tmpdir(), 'dj-hash-py-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function referenceModule(): string {
  const spec = readFileSync(join(repoRoot, 'formats/hash.md'), 'utf8');
  const m = /```python\n([\s\S]*?)```/.exec(spec);
  if (!m) throw new Error('formats/hash.md has no python block');
  return m[1];
}

let seed = 12345;
const rnd = (): number => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => int(0, 255));
const pick = <T>(xs: T[]): T => xs[int(0, xs.length - 1)];

const KINDS: Array<[ValueKind, () => CValue, Partial<ColumnShape>?]> = [
  ['int8', () => int(-128, 127)], ['int16', () => int(-32768, 32767)], ['int32', () => int(-2147483648, 2147483647)],
  ['int64', () => pick([-(2n ** 63n), 2n ** 63n - 1n, 0n, BigInt(int(-1e9, 1e9)) * 1000003n])],
  ['uint8', () => int(0, 255)], ['uint16', () => int(0, 65535)], ['uint32', () => int(0, 4294967295)],
  ['uint64', () => pick([2n ** 64n - 1n, 0n, 2n ** 63n, BigInt(int(0, 1e9))])],
  ['float32', () => pick([Math.fround(rnd() * 1e6), -0, NaN, Infinity, Math.fround(-1e-40)])],
  ['float64', () => pick([rnd() * 1e300, -rnd(), 0, -0, NaN, -Infinity, 5e-324])],
  ['decimal', () => pick(['0', '-1.5', '12345678.123', '99999999.999', '-0.000', '7']), { precision: 11, scale: 3 }],
  ['bool', () => rnd() < 0.5],
  ['string', () => pick(['', 'a', 'ünï 🎉', 'x\u0000y', ' pad ', 'a'.repeat(int(0, 300))])],
  ['text', () => pick(['1 day', '', '-00:00:01'])],
  ['bytes', () => bytes(pick([0, 1, 16, 200, 600, 70_000]))],
  ['uuid', () => bytes(16)],
  ['json', () => pick(['{"b":1,"a":[1.0,2]}', '[1e2, -0, 0.1, 1.5e-7, 12345678901234567890123]', '"\\u00e9\\t\\u001f/"',
    '{"k":{"z":null,"é":true,"a":false,"\\ud83d\\ude00":1}}', '123456789012345678901.5', '{"a":1,"a":2}'])],
  ['date', () => int(-719162, 2932896)],
  ['datetime', () => BigInt(int(-62135596800, 253402300799)) * 1000000n + BigInt(int(0, 999999))],
  ['time', () => BigInt(int(-3020399, 3020399)) * 1000000n],
];

describe.skipIf(!available)('formats/hash.md Python reference agrees', () => {
  it('on random rows of every kind, with NULLs', async () => {
    const columns: ColumnShape[] = KINDS.map(([kind, , extra], i) => ({ name: `c${i}_${kind}`, kind, nullable: true, djType: null, sqlType: kind, ...extra }));
    const rows: CValue[][] = Array.from({ length: 300 }, () => KINDS.map(([, gen]) => (rnd() < 0.1 ? null : gen())));
    const hasher = new TableHasher(columns);
    hasher.addRows(rows);
    const ours = await hasher.digest();

    // Hand the rows to Python as typed JSON.
    const enc = (v: CValue): unknown => {
      if (v === null) return null;
      if (typeof v === 'bigint') return { i: v.toString() };
      if (v instanceof Uint8Array) return { b: Buffer.from(v).toString('hex') };
      if (typeof v === 'number') {
        if (Number.isNaN(v)) return { f: 'nan' };
        if (!Number.isFinite(v)) return { f: v > 0 ? 'inf' : '-inf' };
        if (Object.is(v, -0)) return { f: '-0.0' };
        return Number.isInteger(v) ? { n: v.toString() } : { f: v.toString() };
      }
      return v;
    };
    writeFileSync(join(dir, 'djhash.py'), referenceModule());
    writeFileSync(join(dir, 'rows.json'), JSON.stringify({ columns, rows: rows.map((r) => r.map(enc)) }));
    const driver = String.raw`
import json, sys
sys.path.insert(0, sys.argv[1])
from djhash import table_hash, canonical_json
d = json.load(open(sys.argv[1] + '/rows.json'))
cols = d['columns']
def dec(v, kind):
    if v is None or isinstance(v, (str, bool)): return v
    if 'i' in v: return int(v['i'])
    if 'b' in v: return bytes.fromhex(v['b'])
    if 'n' in v: return float(v['n']) if kind.startswith('float') else int(v['n'])
    return float(v['f'])
rows = [[dec(v, c['kind']) for v, c in zip(r, cols)] for r in d['rows']]
print(table_hash(cols, rows))
`;
    const theirs = execFileSync(python, ['-c', driver, dir], { encoding: 'utf8' }).trim();
    expect(theirs).toBe(ours);
  });

  it('on canonical JSON of tricky texts', () => {
    const texts = [
      '{"b":1,"a":[1.0,2]}', ' { "a" : [ 1.0 , 2 ] , "b" : 1 } ', '[1E400,-0.0,0.10,1.5e-7,100e-2,1e21,1e-7,123e-20]',
      '"\\u2028\\u007f\\b\\/"', '{"\\u00e9":1,"e\\u0301":2,"\\ud800":3,"":0}', '[12345678901234567890,-98765432109876543210]',
      '[0.000001, 0.0000001, 1e20, 1.7976931348623157e308, 4.9e-324, 2.5, 3.0e0]',
    ];
    writeFileSync(join(dir, 'djhash.py'), referenceModule());
    const out = execFileSync(python, ['-c', 'import sys, json; sys.path.insert(0, sys.argv[1]); from djhash import canonical_json\nfor t in json.loads(sys.argv[2]): print(json.dumps(canonical_json(t)))', dir, JSON.stringify(texts)], { encoding: 'utf8' });
    const theirs = out.trim().split('\n').map((l) => JSON.parse(l) as string);
    expect(texts.map((t) => canonicalJson(t))).toEqual(theirs);
  });
});
