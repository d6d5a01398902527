/**
 * writeOpenView on snapshots built by hand (no database): every kind of decoded value, in-table
 * and store blobs and attachments, awkward primary-key values of every kind, NULLs, values that
 * do not decode, legacy and custom-codec columns, tables that get no open view; each `.npy`
 * read back with an independent parser (and NumPy when Debian's python3-numpy is there) and
 * compared with the array that was stored; JSON documents, attachments byte for byte, the index
 * Parquet, deterministic bytes, and paths that are safe on every file system.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as B from '../../src/blob/index.js';
import { validatePath } from '../../src/git/tree-format.js';
import {
  ERRORS_COLUMN, INLINE_ARRAY_MAX_ELEMENTS, parseKeySegment, unescapeSegment, writeOpenView, type OpenViewResult,
} from '../../src/open/index.js';
import { readParquet, readParquetSchema } from '../../src/parquet/reader.js';
import type { SchemaManifest } from '../../src/snapshot/manifest.js';
import type { CValue } from '../../src/values/kinds.js';
import { parseDatetime } from '../../src/values/temporal.js';
import { filesUnder } from '../support/files.js';
import { npyDescrOf, parseNpy } from './npy-parse.js';
import { attachment, handObject, handSchema, handTable } from './staging.js';

const enc = (v: B.BlobValue): Uint8Array => B.encodeBlob(v);
const bytesOf = (t: ArrayBufferView): Uint8Array => new Uint8Array(t.buffer, t.byteOffset, t.byteLength);
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** An array built in C order from JS values, with the C-order bytes NumPy must hold. */
interface Expected { dtype: string; shape: number[]; cBytes: Uint8Array }
function cArray(dtype: B.NumericDtype, shape: number[], data: B.TypedArray, imag?: B.TypedArray): { value: B.NumericArray; expected: Expected } {
  let cBytes = bytesOf(data);
  if (imag) {
    const size = data.BYTES_PER_ELEMENT;
    cBytes = new Uint8Array(2 * data.byteLength);
    for (let i = 0; i < data.length; i++) {
      cBytes.set(bytesOf(data).subarray(i * size, (i + 1) * size), 2 * i * size);
      cBytes.set(bytesOf(imag).subarray(i * size, (i + 1) * size), (2 * i + 1) * size);
    }
  }
  return { value: B.ndarray(dtype, shape, data, 'C', imag), expected: { dtype, shape, cBytes: new Uint8Array(cBytes) } };
}

const range = (n: number, f: (i: number) => number = (i) => i): number[] => Array.from({ length: n }, (_, i) => f(i));

// -------------------------------------------------------------- the hand-made snapshot

const ARRAYS: Record<number, ReturnType<typeof cArray>> = {
  1: cArray('float64', [2, 3], Float64Array.from([1.5, -2, 3, 4, 5, 6.25])),
  2: cArray('int8', [2, 3, 4], Int8Array.from(range(24, (i) => i - 12))),
  3: cArray('uint64', [2], BigUint64Array.from([0n, 2n ** 64n - 1n])),
  4: cArray('bool', [2, 2], Uint8Array.from([1, 0, 0, 1])),
  5: cArray('complex128', [2], Float64Array.from([1, -0.5]), Float64Array.from([2, 3.25])),
  6: cArray('datetime64[ns]', [3], BigInt64Array.from([0n, 1_700_000_000_123_456_789n, -(2n ** 63n)])),
  7: cArray('float64', [], Float64Array.from([Math.PI])),
  8: cArray('float64', [0, 3], new Float64Array(0)),
  21: cArray('complex64', [1, 2], Float32Array.from([1, 2]), Float32Array.from([-1, 0.5])),
  22: cArray('uint16', [3, 1], Uint16Array.from([1, 65535, 7])),
};

const BIG_A = cArray('float32', [20, 20], Float32Array.from(range(400, (i) => Math.fround(i / 7))));
const BIG_B = cArray('int32', [300], Int32Array.from(range(300, (i) => i * -3)));
const SMALL = cArray('int16', [2, 2], Int16Array.from([1, 2, 3, 4]));

const OTHER: Record<number, B.BlobValue> = {
  9: B.charRow('hello'),
  10: B.withOrder({ type: 'array', dtype: 'char', shape: [2, 3], order: 'C', data: Uint16Array.from('abcdef', (c) => c.charCodeAt(0)) }, 'F'),
  11: B.objectArray([2], [B.str('a'), B.str('ünï')]),
  12: B.struct([1, 1], ['a', 'b'], [[B.float(1), B.str('x')]]),
  13: B.cell([1, 2], [B.int(1), B.str('two')]),
  14: B.record([{ name: 'x', value: cArray('int32', [3], Int32Array.from([1, 2, 3])).value }, { name: 'y', value: cArray('float64', [3], Float64Array.from([0.5, 1, 1.5])).value }]),
  15: B.list([BIG_A.value, SMALL.value, B.dict([[B.str('inner'), BIG_B.value]])]),
  16: B.tuple([
    B.set([B.int(3), B.int(1)]), B.decimal('1.50'), B.date(2024, 1, 15), B.time(13, 45, 30, 123456),
    B.datetime(1969, 12, 31, 23, 59, 59, 999999), B.uuid('3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f'), B.bytes(Uint8Array.from([0, 255])),
    B.int(2n ** 70n), B.float(NaN), B.float(-0), B.float(Infinity), B.none(), B.bool(false), B.complex(1, -2),
  ]),
};

const ATTACH_NAMES: Record<number, string> = {
  1: 'report.pdf', 2: '../../etc/passwd', 3: 'CON', 4: 'ünï cødé.txt', 5: '.git', 6: 'a.', 7: 'GIT~1', 8: 'Makefile', 9: '',
};
const attachBody = (id: number): Uint8Array => Uint8Array.from(range(id * 37, (i) => (i * 7 + id) & 255));

const AWKWARD = [
  'a/b', '..', '.', '.hidden', 'Mouse', 'mouse', 'MOUSE', 'CON', 'aux', 'x.', 'ünïcødé 🐭', '', '%2F', '100%', 'tab\there',
  'back\\slash', 'colon:star*?"<>|', 'x'.repeat(300), `${'x'.repeat(299)}y`, `${'É'.repeat(200)}`, 'trailing space ', 'a=b', 'git~1',
];

interface Built { dir: string; schemas: SchemaManifest[] }

async function buildSnapshot(dir: string): Promise<Built> {
  const S = 's';
  const rows: CValue[][] = [];
  for (let id = 1; id <= 22; id++) {
    let v: CValue = null;
    if (ARRAYS[id]) v = enc(ARRAYS[id].value);
    else if (OTHER[id]) v = enc(OTHER[id]);
    else if (id === 17) v = enc(ARRAYS[1].value).subarray(0, 30); // truncated: cannot decode
    const att: CValue = ATTACH_NAMES[id] !== undefined ? attachment(ATTACH_NAMES[id], attachBody(id)) : id === 19 ? Uint8Array.from([1, 2, 3]) : null;
    let vs: CValue = null;
    let as: CValue = null;
    if (id === 1) vs = await handObject(dir, 'main', '_hash/s/aaaaaaaaaaaaaaaaaaaaaaaaaa', enc(SMALL.value));
    if (id === 2) vs = await handObject(dir, 'main', '_hash/s/bbbbbbbbbbbbbbbbbbbbbbbbbb', enc(B.dict([[B.str('big'), BIG_A.value], [B.str('small'), SMALL.value]])));
    if (id === 3) vs = await handObject(dir, 'main', '_hash/s/cccccccccccccccccccccccccc', enc(B.str('default store')), '');
    if (id === 18) vs = JSON.stringify({ hash: 'dddddddddddddddddddddddddd', path: '_hash/s/dddddddddddddddddddddddddd', store: 'main', size: 3 });
    if (id === 1) as = await handObject(dir, 'main', '_hash/s/eeeeeeeeeeeeeeeeeeeeeeeeee', attachment('Notes.TXT', 'hello\n'));
    if (id === 4) as = await handObject(dir, 'main', '_hash/s/ffffffffffffffffffffffffff', attachment('data.bin', Uint8Array.from([0, 1, 2, 0])));
    rows.push([id, v, att, vs, as, id === 1 ? Uint8Array.from([9, 9]) : null]);
  }
  const values = await handTable(dir, S, 'values', [
    { name: 'id', kind: 'int32' },
    { name: 'v', kind: 'bytes', djType: '<blob>', sqlType: 'longblob', nullable: true },
    { name: 'att', kind: 'bytes', djType: '<attach>', sqlType: 'longblob', nullable: true },
    { name: 'vs', kind: 'json', djType: '<blob@main>', sqlType: 'json', nullable: true },
    { name: 'as', kind: 'json', djType: '<attach@main>', sqlType: 'json', nullable: true },
    { name: 'raw', kind: 'bytes', djType: null, sqlType: 'longblob', dataType: 'longblob', nullable: true },
  ], ['id'], rows);

  const keysText = await handTable(dir, S, 'keys_text', [
    { name: 'name', kind: 'string', sqlType: 'varchar(400)' }, { name: 'v', kind: 'bytes', djType: '<blob>' },
  ], ['name'], AWKWARD.map((name, i) => [name, enc(B.ndarray('int64', [1], BigInt64Array.from([BigInt(i)])))]));

  const keysTyped = await handTable(dir, S, 'keys_typed', [
    { name: 'u', kind: 'uuid' }, { name: 'at', kind: 'datetime', fsp: 6 }, { name: 'd', kind: 'date' },
    { name: 'amount', kind: 'decimal', precision: 10, scale: 3 }, { name: 'flag', kind: 'bool' }, { name: 'n', kind: 'int64' },
    { name: 'b', kind: 'bytes', sqlType: 'varbinary(8)' }, { name: 't', kind: 'time', fsp: 6 }, { name: 'f', kind: 'float64' },
    { name: 'Cap', kind: 'uint8' }, { name: 'v', kind: 'bytes', djType: '<blob>' },
  ], ['u', 'at', 'd', 'amount', 'flag', 'n', 'b', 't', 'f', 'Cap'], [
    [Buffer.from('3f2b8c4e1d2a4b5c9e8f0a1b2c3d4e5f', 'hex'), parseDatetime('2024-01-15 13:45:30.123456'), -1, '-1.500', true,
      -(2n ** 63n), Uint8Array.from([0, 255]), -(838n * 3600n + 59n * 60n + 59n) * 1_000_000n, -0, 255, enc(B.int(1))],
    [Buffer.from('00000000000000000000000000000001', 'hex'), 0n, 0, '0.000', false, 2n ** 62n, new Uint8Array(0), 0n, 1e-7, 0, enc(B.int(2))],
  ]);

  const noPk = await handTable(dir, S, 'no_pk', [{ name: 'v', kind: 'bytes', djType: '<blob>' }], [], [[enc(B.int(1))]]);
  const allNull = await handTable(dir, S, 'all_null', [{ name: 'id', kind: 'int32' }, { name: 'v', kind: 'bytes', djType: '<blob>', nullable: true }], ['id'], [[1, null], [2, null]]);
  const plain = await handTable(dir, S, 'plain', [{ name: 'id', kind: 'int32' }, { name: 'x', kind: 'string' }], ['id'], [[1, 'a']]);
  const custom = await handTable(dir, S, 'custom', [
    { name: 'id', kind: 'int32' }, { name: 'g', kind: 'bytes', djType: '<graph>', nullable: true }, { name: 'h', kind: 'json', djType: '<hash@main>', nullable: true },
  ], ['id'], [[1, enc(B.list([B.tuple([B.int(1), B.int(2)])])), null], [2, Uint8Array.from([1, 2, 3]), null]]);

  const legacy = await handTable(dir, 'old', 'legacy', [
    { name: 'id', kind: 'int32' }, { name: 'data', kind: 'bytes', sqlType: 'longblob', dataType: 'longblob' },
    { name: 'file', kind: 'bytes', djType: 'attach', sqlType: 'longblob', dataType: 'longblob' },
  ], ['id'], [[1, enc(SMALL.value), attachment('old.txt', 'legacy')]]);

  return {
    dir,
    schemas: [handSchema(S, [values, keysText, keysTyped, noPk, allNull, plain, custom]), handSchema('old', [legacy], '0.x')],
  };
}

async function indexRows(dir: string, schema: string, table: string): Promise<{ names: string[]; rows: CValue[][] }> {
  const file = path.join(dir, 'open', schema, `${table}.parquet`);
  const names = (await readParquetSchema(file)).map((c) => c.name);
  const rows: CValue[][] = [];
  for await (const batch of readParquet(file)) rows.push(...batch);
  return { names, rows };
}

// -------------------------------------------------------------- tests

let work: string;
let snap: Built;
let result: OpenViewResult;
let rowsOfValues: Map<number, CValue[]>;
let valueNames: string[];

const rowDir = (id: number): string => `open/s/values/id=${id}`;
const read = (rel: string): Uint8Array => new Uint8Array(readFileSync(path.join(snap.dir, ...rel.split('/'))));
const readJson = (rel: string): B.JsonNode => JSON.parse(readFileSync(path.join(snap.dir, ...rel.split('/')), 'utf8')) as B.JsonNode;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'dj-open-view-'));
  snap = await buildSnapshot(path.join(work, 'a'));
  // a second, identical staging directory for the determinism check
  await cp(snap.dir, path.join(work, 'b'), { recursive: true });
  result = await writeOpenView({ stagingDir: snap.dir, schemas: snap.schemas });
  const idx = await indexRows(snap.dir, 's', 'values');
  valueNames = idx.names;
  rowsOfValues = new Map(idx.rows.map((r) => [r[0] as number, r]));
});
afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

function expectNpy(rel: string, e: Expected): void {
  const npy = parseNpy(read(rel));
  expect(npy.descr, rel).toBe(npyDescrOf(e.dtype));
  expect(npy.fortranOrder, rel).toBe(false);
  expect(npy.shape, rel).toEqual(e.shape);
  expect(npy.dataOffset % 64, rel).toBe(0);
  expect(Buffer.from(npy.data).equals(Buffer.from(e.cBytes)), `${rel}: data bytes`).toBe(true);
}

describe('open view of one table: values of every kind', () => {
  it('writes each numeric or bool array as one .npy holding the stored array in C order', () => {
    for (const [id, a] of Object.entries(ARRAYS)) expectNpy(`${rowDir(Number(id))}/v.npy`, a.expected);
    // the store payload of row 1 is an array too
    expectNpy(`${rowDir(1)}/vs.npy`, SMALL.expected);
    expectNpy('open/old/legacy/id=1/data.npy', SMALL.expected);
  });

  it('writes other values as typed JSON, arrays nested by shape, char arrays with their text', () => {
    expect(readJson(`${rowDir(9)}/v.json`)).toEqual({ type: 'array', dtype: 'char', shape: [1, 5], order: 'C', data: [[104, 101, 108, 108, 111]], text: 'hello' });
    expect(readJson(`${rowDir(10)}/v.json`)).toMatchObject({ dtype: 'char', shape: [2, 3], data: [[97, 98, 99], [100, 101, 102]], text: 'abcdef' });
    expect(readJson(`${rowDir(11)}/v.json`)).toEqual({
      type: 'array', dtype: 'object', shape: [2], order: 'C', items: [{ type: 'str', value: 'a' }, { type: 'str', value: 'ünï' }],
    });
    expect(readJson(`${rowDir(12)}/v.json`)).toEqual({
      type: 'struct', shape: [1, 1], order: 'C', fields: ['a', 'b'], elements: [[[{ type: 'float', value: 1 }, { type: 'str', value: 'x' }]]],
    });
    expect(readJson(`${rowDir(13)}/v.json`)).toEqual({ type: 'cell', shape: [1, 2], order: 'C', items: [[{ type: 'int', value: 1 }, { type: 'str', value: 'two' }]] });
    expect(readJson(`${rowDir(14)}/v.json`)).toEqual({
      type: 'record', fields: [
        { name: 'x', value: { type: 'array', dtype: 'int32', shape: [3], order: 'C', data: [1, 2, 3] } },
        { name: 'y', value: { type: 'array', dtype: 'float64', shape: [3], order: 'C', data: [0.5, 1, 1.5] } },
      ],
    });
    expect(readJson(`${rowDir(16)}/v.json`)).toEqual({
      type: 'tuple', items: [
        { type: 'set', items: [{ type: 'int', value: 3 }, { type: 'int', value: 1 }] }, { type: 'decimal', value: '1.50' },
        { type: 'date', value: '2024-01-15' }, { type: 'time', value: '13:45:30.123456' }, { type: 'datetime', value: '1969-12-31T23:59:59.999999' },
        { type: 'uuid', value: '3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f' }, { type: 'bytes', base64: 'AP8=' }, { type: 'int', value: String(2n ** 70n) },
        { type: 'float', value: 'NaN' }, { type: 'float', value: '-0' }, { type: 'float', value: 'Infinity' }, { type: 'none' },
        { type: 'bool', value: false }, { type: 'complex', re: 1, im: -2 },
      ],
    });
  });

  it(`moves arrays above ${INLINE_ARRAY_MAX_ELEMENTS} elements inside a JSON document to sibling <attribute>.<n>.npy files`, () => {
    const doc = readJson(`${rowDir(15)}/v.json`) as unknown as { items: [Record<string, unknown>, Record<string, unknown>, { items: [[unknown, Record<string, unknown>]] }] };
    expect(doc.items[0]).toEqual({ type: 'array', dtype: 'float32', shape: [20, 20], order: 'C', npy: 'v.0.npy' });
    expect(doc.items[1]).toEqual({ type: 'array', dtype: 'int16', shape: [2, 2], order: 'C', data: [[1, 2], [3, 4]] });
    expect(doc.items[2].items[0][1]).toEqual({ type: 'array', dtype: 'int32', shape: [300], order: 'C', npy: 'v.1.npy' });
    expectNpy(`${rowDir(15)}/v.0.npy`, BIG_A.expected);
    expectNpy(`${rowDir(15)}/v.1.npy`, BIG_B.expected);
    // the same inside a store payload
    expect(readJson(`${rowDir(2)}/vs.json`)).toMatchObject({ type: 'dict', items: [[{ value: 'big' }, { npy: 'vs.0.npy' }], [{ value: 'small' }, { data: [[1, 2], [3, 4]] }]] });
    expectNpy(`${rowDir(2)}/vs.0.npy`, BIG_A.expected);
  });

  it('writes attachments byte for byte under their original, escaped name', () => {
    for (const [id, name] of Object.entries(ATTACH_NAMES)) {
      const dir = `${rowDir(Number(id))}/att`;
      const files = readdirNames(dir);
      expect(files, `row ${id}`).toHaveLength(1);
      expect(Buffer.from(unescapeSegment(files[0])).toString('utf8'), `row ${id}`).toBe(name);
      expect(Buffer.from(read(`${dir}/${files[0]}`)).equals(Buffer.from(attachBody(Number(id)))), `row ${id} contents`).toBe(true);
    }
    expect(readdirNames(`${rowDir(1)}/att`)).toEqual(['report.pdf']);
    expect(readdirNames(`${rowDir(2)}/att`)).toEqual(['%2E.%2F..%2Fetc%2Fpasswd']);
    expect(readdirNames(`${rowDir(3)}/att`)).toEqual(['%43ON']);
    expect(readdirNames(`${rowDir(5)}/att`)).toEqual(['%2Egit']);
    expect(readdirNames(`${rowDir(6)}/att`)).toEqual(['a%2E']);
    expect(readdirNames(`${rowDir(9)}/att`)).toEqual(['%']);
    expect(Buffer.from(read(`${rowDir(1)}/as/Notes.TXT`)).toString()).toBe('hello\n');
    expect([...read(`${rowDir(4)}/as/data.bin`)]).toEqual([0, 1, 2, 0]);
    expect(Buffer.from(read('open/old/legacy/id=1/file/old.txt')).toString()).toBe('legacy');
  });

  it('resolves store objects of the default store (empty store name in the metadata)', () => {
    expect(readJson(`${rowDir(3)}/vs.json`)).toEqual({ type: 'str', value: 'default store' });
  });

  it('writes no file for NULL, and records values that do not decode in the index instead of failing', () => {
    expect(existsSync(path.join(snap.dir, rowDir(18)))).toBe(false);
    const at = (id: number, name: string): CValue => rowsOfValues.get(id)![valueNames.indexOf(name)];
    expect(at(18, 'v')).toBeNull();
    expect(JSON.parse(at(17, ERRORS_COLUMN) as string)).toEqual({ v: expect.stringMatching(/cannot be decoded/) });
    expect(JSON.parse(at(18, ERRORS_COLUMN) as string)).toEqual({ vs: expect.stringMatching(/main:_hash\/s\/d+ is not in the snapshot/) });
    expect(JSON.parse(at(19, ERRORS_COLUMN) as string)).toEqual({ att: expect.stringMatching(/not a DataJoint attachment/) });
    expect(at(1, ERRORS_COLUMN)).toBeNull();
    expect(existsSync(path.join(snap.dir, rowDir(17), 'v.npy'))).toBe(false);
    expect(result.errors).toBe(3);
  });

  it('leaves native bytes columns of DataJoint 2.x alone, and custom codecs that are not blobs', async () => {
    expect(valueNames).toEqual(['id', 'v', 'att', 'vs', 'as', ERRORS_COLUMN]);
    expect(readJson('open/s/custom/id=1/g.json')).toEqual({ type: 'list', items: [{ type: 'tuple', items: [{ type: 'int', value: 1 }, { type: 'int', value: 2 }] }] });
    const custom = await indexRows(snap.dir, 's', 'custom');
    expect(custom.names).toEqual(['id', 'g', ERRORS_COLUMN]);
    expect(custom.rows).toEqual([[1, 'open/s/custom/id=1/g.json', null], [2, null, null]]);
  });

  it('skips tables without a primary key (reported) and writes nothing for tables whose blobs are all NULL', () => {
    expect(result.skipped).toEqual([{ schema: 's', table: 'no_pk', reason: expect.stringMatching(/no primary key/) }]);
    expect(existsSync(path.join(snap.dir, 'open/s/all_null'))).toBe(false);
    expect(existsSync(path.join(snap.dir, 'open/s/all_null.parquet'))).toBe(false);
    expect(existsSync(path.join(snap.dir, 'open/s/plain.parquet'))).toBe(false);
    expect(result.tables).toBe(5);
  });

  it('indexes every row by its primary key (same types as the table) with the relative path of each open file', async () => {
    const table = await indexRows(snap.dir, 's', 'values');
    expect(table.rows.map((r) => r[0])).toEqual(range(22, (i) => i + 1));
    const schema = await readParquetSchema(path.join(snap.dir, 'open/s/values.parquet'));
    expect(schema[0]).toMatchObject({ name: 'id', kind: 'int32', nullable: false });
    expect(schema.slice(1, 5).map((c) => c.kind)).toEqual(['string', 'string', 'string', 'string']);
    expect(schema[5]).toMatchObject({ name: ERRORS_COLUMN, kind: 'json' });
    for (const row of table.rows) {
      for (let c = 1; c <= 4; c++) {
        const p = row[c] as string | null;
        if (p !== null) expect(existsSync(path.join(snap.dir, ...p.split('/'))), p).toBe(true);
      }
    }
    expect(table.rows[0].slice(1, 5)).toEqual([`${rowDir(1)}/v.npy`, `${rowDir(1)}/att/report.pdf`, `${rowDir(1)}/vs.npy`, `${rowDir(1)}/as/Notes.TXT`]);
    // every written file is reachable from an index (a main file, or an .npy a JSON document names)
    const listed = new Set<string>();
    for (const [schema, t] of [['s', 'values'], ['s', 'keys_text'], ['s', 'keys_typed'], ['s', 'custom'], ['old', 'legacy']]) {
      for (const row of (await indexRows(snap.dir, schema, t)).rows) for (const v of row) if (typeof v === 'string' && v.startsWith('open/')) listed.add(v);
    }
    const written = (await filesUnder(path.join(snap.dir, 'open'))).map((f) => `open/${f}`).filter((f) => !f.endsWith('.parquet') || f.split('/').length > 3);
    const unlisted = written.filter((f) => !listed.has(f) && !/\.\d+\.npy$/.test(f));
    expect(unlisted).toEqual([]);
    expect(result.files).toBe(written.length + 5);
  });
});

function readdirNames(rel: string): string[] {
  return readdirSync(path.join(snap.dir, ...rel.split('/'))).sort();
}

describe('primary-key paths', () => {
  it('give every awkward string key its own folder, reversibly, even on case-insensitive file systems', async () => {
    const idx = await indexRows(snap.dir, 's', 'keys_text');
    expect(idx.rows).toHaveLength(AWKWARD.length);
    const dirs = new Set<string>();
    for (const [name, p] of idx.rows as [string, string, null][]) {
      const i = AWKWARD.indexOf(name);
      const segment = p.split('/')[3];
      const parsed = parseKeySegment(segment);
      expect(parsed.attribute).toBe('name');
      if (parsed.shortened) expect(name.startsWith(parsed.text)).toBe(true);
      else expect(parsed.text).toBe(name);
      dirs.add(segment.toLowerCase());
      const npy = parseNpy(read(p));
      expect(new BigInt64Array(npy.data.buffer)[0]).toBe(BigInt(i));
    }
    expect(dirs.size).toBe(AWKWARD.length);
    expect(idx.rows.find((r) => r[0] === 'a/b')![1]).toBe('open/s/keys_text/name=a%2Fb/v.npy');
    expect(idx.rows.find((r) => r[0] === '..')![1]).toBe('open/s/keys_text/name=.%2E/v.npy');
    expect(idx.rows.find((r) => r[0] === 'Mouse')![1]).toBe('open/s/keys_text/name=%4Douse/v.npy');
    expect(idx.rows.find((r) => r[0] === '')![1]).toBe('open/s/keys_text/name=/v.npy');
    expect(idx.rows.find((r) => r[0] === 'ünïcødé 🐭')![1]).toBe('open/s/keys_text/name=%C3%BCn%C3%AFc%C3%B8d%C3%A9%20%F0%9F%90%AD/v.npy');
  });

  it('spell each key kind canonically: uuid 8-4-4-4-12, datetime ISO with µs, date ISO, exact decimals, hex bytes', async () => {
    const idx = await indexRows(snap.dir, 's', 'keys_typed');
    expect(idx.rows.map((r) => r[10])).toEqual([
      'open/s/keys_typed/u=3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f/at=2024-01-15T13%3A45%3A30.123456/d=1969-12-31/amount=-1.500/flag=true'
        + '/n=-9223372036854775808/b=00ff/t=-838%3A59%3A59.000000/f=-0/Cap=255/v.json',
      'open/s/keys_typed/u=00000000-0000-0000-0000-000000000001/at=1970-01-01T00%3A00%3A00.000000/d=1970-01-01/amount=0.000/flag=false'
        + '/n=4611686018427387904/b=/t=00%3A00%3A00.000000/f=1e-7/Cap=0/v.json',
    ]);
    // the key columns keep their types in the index
    expect(idx.rows[0].slice(0, 10)).toEqual([
      new Uint8Array(Buffer.from('3f2b8c4e1d2a4b5c9e8f0a1b2c3d4e5f', 'hex')), parseDatetime('2024-01-15 13:45:30.123456'), -1, '-1.500', true,
      -(2n ** 63n), Uint8Array.from([0, 255]), -(838n * 3600n + 59n * 60n + 59n) * 1_000_000n, -0, 255,
    ]);
  });

  it('are safe on every file system and in git trees', async () => {
    const all = (await filesUnder(path.join(snap.dir, 'open'))).map((f) => `open/${f}`);
    const folded = new Set<string>();
    for (const p of all) {
      expect(() => validatePath(p), p).not.toThrow();
      for (const segment of p.split('/')) {
        expect(segment, p).toMatch(/^[A-Za-z0-9_\-#~.+,@=%]+$/);
        expect(Buffer.byteLength(segment), p).toBeLessThanOrEqual(255);
        expect(segment.endsWith('.'), p).toBe(false);
        expect(/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(segment), p).toBe(false);
        expect(segment.toLowerCase() === 'git~1', p).toBe(false);
      }
      folded.add(p.toLowerCase());
    }
    expect(folded.size).toBe(all.length);
  });
});

describe('determinism', () => {
  it('the same snapshot gives the same files, byte for byte', async () => {
    const other = path.join(work, 'b');
    const again = await writeOpenView({ stagingDir: other, schemas: snap.schemas });
    expect(again).toEqual(result);
    const a = await filesUnder(path.join(snap.dir, 'open'));
    const b = await filesUnder(path.join(other, 'open'));
    expect(b).toEqual(a);
    for (const f of a) {
      const x = await readFile(path.join(snap.dir, 'open', f));
      const y = await readFile(path.join(other, 'open', f));
      expect(sha(x), f).toBe(sha(y));
    }
  });
});

const python = '/usr/bin/python3';
const numpyProbe = spawnSync(python, ['-c', 'import numpy'], { encoding: 'utf8' });
const hasNumpy = numpyProbe.status === 0;
if (!hasNumpy) {
  console.warn(`\n!!! SKIPPING the NumPy check of the open view: ${python} cannot import numpy (apt-get install python3-numpy) !!!\n`);
}

const NUMPY_SCRIPT = String.raw`
import hashlib, json, sys, glob, os
import numpy as np
root = sys.argv[1]
out = {"npy": {}, "json": []}
for f in sorted(glob.glob(os.path.join(root, "open", "**", "*.npy"), recursive=True)):
    a = np.load(f, allow_pickle=False)
    out["npy"][os.path.relpath(f, root)] = [a.dtype.str, list(a.shape), hashlib.sha256(np.ascontiguousarray(a).tobytes()).hexdigest()]
def walk(node, where):
    if isinstance(node, dict):
        if node.get("type") == "array" and "data" in node and node["dtype"] not in ("char",) and not node["dtype"].startswith(("complex", "datetime")):
            a = np.array(node["data"], dtype=node["dtype"])
            out["json"].append([where, list(a.shape), node["shape"]])
        for v in node.values(): walk(v, where)
    elif isinstance(node, list):
        for v in node: walk(v, where)
for f in sorted(glob.glob(os.path.join(root, "open", "**", "*.json"), recursive=True)):
    walk(json.load(open(f)), os.path.relpath(f, root))
print(json.dumps(out))
`;

describe.skipIf(!hasNumpy)('NumPy reads the open view', () => {
  it('np.load gives each stored array (dtype, shape, C-order bytes); np.array of JSON data gives the declared shape', () => {
    const run = spawnSync(python, ['-c', NUMPY_SCRIPT, snap.dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { npy: Record<string, [string, number[], string]>; json: [string, number[], number[]][] };
    const expected: [string, Expected][] = [
      ...Object.entries(ARRAYS).map(([id, a]): [string, Expected] => [`${rowDir(Number(id))}/v.npy`, a.expected]),
      [`${rowDir(15)}/v.0.npy`, BIG_A.expected], [`${rowDir(15)}/v.1.npy`, BIG_B.expected], [`${rowDir(1)}/vs.npy`, SMALL.expected],
    ];
    for (const [file, e] of expected) {
      expect(out.npy[file], file).toEqual([npyDescrOf(e.dtype), e.shape, sha(e.cBytes)]);
    }
    expect(Object.keys(out.npy).length).toBeGreaterThanOrEqual(expected.length + AWKWARD.length);
    expect(out.json.length).toBeGreaterThan(3);
    for (const [where, actual, declared] of out.json) expect(actual, where).toEqual(declared);
  });
});
