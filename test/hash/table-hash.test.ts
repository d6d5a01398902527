import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashPipeline, hashSchema } from '../../src/hash/combine.js';
import { HashInputError, HashValueError } from '../../src/hash/errors.js';
import { hashTable } from '../../src/hash/index.js';
import { RowDigester } from '../../src/hash/row-digest.js';
import { TableHasher } from '../../src/hash/table-hasher.js';
import type { ColumnShape, CValue } from '../../src/values/kinds.js';

const dir = mkdtempSync(join(tmpdir(), 'dj-hash-t-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COLS: ColumnShape[] = [
  { name: 'id', kind: 'int64', nullable: false, djType: 'int64', sqlType: 'bigint' },
  { name: 'label', kind: 'string', nullable: true, djType: null, sqlType: 'varchar(20)' },
  { name: 'mass', kind: 'decimal', nullable: true, precision: 6, scale: 2, djType: 'decimal(6,2)', sqlType: 'decimal(6,2)' },
  { name: 'doc', kind: 'json', nullable: true, djType: 'json', sqlType: 'json' },
];

function rows(n: number): CValue[][] {
  return Array.from({ length: n }, (_, i) => [BigInt(i), `r${i}`, `${i % 1000}.5`, i % 7 === 0 ? null : `{"i":${i}}`]);
}

async function hashOf(columns: ColumnShape[], rs: CValue[][], spillRows?: number): Promise<string> {
  const h = new TableHasher(columns, { spillRows, tmpDir: dir });
  h.addRows(rs);
  return h.digest();
}

function shuffled<T>(xs: T[]): T[] {
  const a = xs.slice();
  let s = 7;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 48271) % 2147483647;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

describe('table hash', () => {
  const base = rows(1000);

  it('does not depend on row order', async () => {
    expect(await hashOf(COLS, shuffled(base))).toBe(await hashOf(COLS, base));
    expect(await hashOf(COLS, base.slice().reverse())).toBe(await hashOf(COLS, base));
  });

  it('changes with any single value, NULL vs empty string, a column swap or the row count', async () => {
    const h0 = await hashOf(COLS, base);
    const variants: CValue[][][] = [];
    const edit = (r: number, c: number, v: CValue): CValue[][] => base.map((row, i) => (i === r ? row.map((x, j) => (j === c ? v : x)) : row));
    variants.push(edit(500, 0, 100000n));
    variants.push(edit(0, 1, 'r0 '));
    variants.push(edit(3, 2, '3.51'));
    variants.push(edit(1, 3, '{"i":1.5}'));
    variants.push(edit(2, 1, null));
    variants.push(base.slice(1));
    variants.push([...base, base[0]]); // a duplicate row counts
    for (const v of variants) expect(await hashOf(COLS, v)).not.toBe(h0);

    const withEmpty = edit(5, 1, '');
    const withNull = edit(5, 1, null);
    expect(await hashOf(COLS, withEmpty)).not.toBe(await hashOf(COLS, withNull));

    const swapped = [COLS[1], COLS[0], COLS[2], COLS[3]];
    const swappedRows = base.map((r) => [r[1], r[0], r[2], r[3]]);
    expect(await hashOf(swapped, swappedRows)).not.toBe(h0);
    const renamed = COLS.map((c, i) => (i === 1 ? { ...c, name: 'label2' } : c));
    expect(await hashOf(renamed, base)).not.toBe(h0);
  });

  it('does not collide when bytes move between adjacent string values', async () => {
    const cols: ColumnShape[] = [COLS[1], { ...COLS[1], name: 'b' }];
    expect(await hashOf(cols, [['ab', 'c']])).not.toBe(await hashOf(cols, [['a', 'bc']]));
  });

  it('treats equal content in different representations as equal', async () => {
    // Decimal text normalised to the declared scale; JSON canonicalised from the parsed value.
    const mysql = [[1n, 'x', '1.5', '{"a": [1.0, 2], "b": 1}']];
    const postgres = [[1n, 'x', '1.50', '{"a": [1.0, 2], "b": 1}']];
    const mariadb = [[1n, 'x', '001.500', '{"b":1,"a":[1.0,2]}']];
    const h = await hashOf(COLS, mysql);
    expect(await hashOf(COLS, postgres)).toBe(h);
    expect(await hashOf(COLS, mariadb)).toBe(h);
    // Integer width does not matter (PostgreSQL has no unsigned types), nor float32 vs float64.
    const narrow: ColumnShape[] = [{ ...COLS[0], kind: 'uint32' }];
    const wide: ColumnShape[] = [{ ...COLS[0], kind: 'int64' }];
    expect(await hashOf(narrow, [[4000000000]])).toBe(await hashOf(wide, [[4000000000n]]));
    const f32: ColumnShape[] = [{ ...COLS[0], kind: 'float32' }];
    const f64: ColumnShape[] = [{ ...COLS[0], kind: 'float64' }];
    expect(await hashOf(f32, [[1.5], [NaN]])).toBe(await hashOf(f64, [[1.5], [-NaN]]));
    expect(await hashOf(f64, [[0]])).not.toBe(await hashOf(f64, [[-0]]));
  });

  it('writes decimals as canonical text at the declared scale, and refuses what does not fit', () => {
    const cols = (p: number, sc: number): ColumnShape[] => [{ name: 'd', kind: 'decimal', nullable: false, precision: p, scale: sc, djType: null, sqlType: 'decimal' }];
    const text = (p: number, sc: number, v: string): string => {
      const d = new RowDigester(cols(p, sc)).encode([v]);
      return Buffer.from(d.subarray(9)).toString();
    };
    expect(text(5, 2, '1.5')).toBe('1.50');
    expect(text(5, 2, '-0.00')).toBe('0.00');
    expect(text(5, 2, '-000.10')).toBe('-0.10');
    expect(text(5, 2, '123.40')).toBe('123.40');
    expect(text(5, 0, '-7')).toBe('-7');
    expect(text(3, 3, '0.123')).toBe('0.123');
    expect(() => text(3, 3, '5.123')).toThrow(HashValueError);
    expect(() => text(5, 2, '1234.00')).toThrow(HashValueError);
    expect(() => text(5, 2, '1.234')).toThrow(HashValueError);
    expect(() => text(5, 2, '1e2')).toThrow(HashValueError);
  });

  it('gives the same hash through the spill-and-merge path, and cleans up', async () => {
    const big = rows(10_007);
    const inMemory = await hashOf(COLS, big);
    for (const spillRows of [1, 100, 1000, 10_006, 10_007]) {
      expect(await hashOf(COLS, shuffled(big), spillRows), `spillRows ${spillRows}`).toBe(inMemory);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  it('takes rows digested elsewhere (addDigests) like rows, also through the spill path', async () => {
    const big = rows(3001);
    const expected = await hashOf(COLS, big);
    const digester = new RowDigester(COLS);
    const digests = new Uint8Array(32 * big.length);
    big.forEach((r, i) => digester.digestInto(r, digests, 32 * i));
    for (const spillRows of [7, 1000, 5000]) {
      const h = new TableHasher(COLS, { spillRows, tmpDir: dir });
      // Uneven chunks, some rows added one by one in between.
      h.addDigests(digests.subarray(0, 32 * 1000));
      for (let i = 1000; i < 1010; i++) h.add(big[i]);
      h.addDigests(digests.subarray(32 * 1010));
      expect(await h.digest(), `spillRows ${spillRows}`).toBe(expected);
    }
    expect(() => new TableHasher(COLS).addDigests(new Uint8Array(33))).toThrow(/32-byte records/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('hashes an async stream of chunks (hashTable)', async () => {
    async function* gen(): AsyncGenerator<CValue[][]> {
      for (let i = 0; i < base.length; i += 64) yield base.slice(i, i + 64);
    }
    const r = await hashTable(COLS, gen());
    expect(r).toEqual({ hash: await hashOf(COLS, base), rows: 1000 });
  });

  it('is independent of the hasher: recomputable from the spec (header + sorted digests)', async () => {
    // An independent computation with node:crypto over the framed encoding of formats/hash.md §3.
    const cols: ColumnShape[] = [{ name: 'v', kind: 'int64', nullable: false, djType: null, sqlType: 'bigint' }];
    const values = [5n, -1n, 2n ** 64n - 1n];
    const u64 = (n: number): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(n)); return b; };
    const str = (s: string): Buffer => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
    const enc = (v: bigint): Buffer => {
      const b = Buffer.alloc(10);
      b[0] = 0x69;
      b[1] = v < 0n ? 0xff : 0;
      b.writeBigUInt64BE(BigInt.asUintN(64, v), 2);
      return b;
    };
    const digests = values.map((v) => createHash('sha256').update(enc(v)).digest()).sort(Buffer.compare);
    const expected = createHash('sha256').update(Buffer.concat([str('dj-snapshot/table/v1'), u64(1), str('v'), str('int'), u64(3), ...digests])).digest('hex');
    expect(await hashOf(cols, values.map((v) => [v]))).toBe(expected);
  });

  it('rejects values without a canonical form, with the column and row', async () => {
    const h = new TableHasher(COLS);
    h.add([1n, 'a', '1.5', null]);
    expect(() => h.add([2n, 'b', '1.555', null])).toThrow(HashValueError);
    expect(() => h.add([3n, 'b', '1.5', '{bad'])).toThrow(/Invalid JSON/);
    expect(() => h.add([null, 'b', '1.5', null])).toThrow(/"id" \(int64\) row 3: .*NULL in a NOT NULL column/);
    expect(() => h.add([2n ** 64n, 'b', '1.5', null])).toThrow(/outside/);
    expect(() => h.add([1n, 2, '1.5', null])).toThrow(/not a string/);
    expect(() => h.add([1n])).toThrow(/has 1 values; the table has 4 columns/);
    expect(() => new TableHasher([{ ...COLS[2], precision: undefined }])).toThrow(HashInputError);
    expect(() => new TableHasher([])).toThrow(HashInputError);
    await h.digest();
    expect(() => h.add([1n, 'a', '1.5', null])).toThrow(/after digest/);
  });

  it('hashes a row with a large blob incrementally, like a copy would', async () => {
    const cols: ColumnShape[] = [{ name: 'b', kind: 'bytes', nullable: false, djType: null, sqlType: 'longblob' }];
    const blob = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31) & 255);
    const u64 = Buffer.alloc(8);
    u64.writeBigUInt64BE(300_000n);
    const digest = createHash('sha256').update(Buffer.concat([Buffer.from([0x78]), u64, blob])).digest();
    const header = Buffer.concat([Buffer.from('0000000000000014', 'hex'), Buffer.from('dj-snapshot/table/v1'), Buffer.from('0000000000000001', 'hex'),
      Buffer.from('0000000000000001', 'hex'), Buffer.from('b'), Buffer.from('0000000000000005', 'hex'), Buffer.from('bytes'), Buffer.from('0000000000000001', 'hex')]);
    expect(await hashOf(cols, [[blob]])).toBe(createHash('sha256').update(header).update(digest).digest('hex'));
  });
});

describe('schema and pipeline hashes', () => {
  const a = 'aa'.repeat(32);
  const b = 'bb'.repeat(32);

  it('do not depend on listing order and change with any entry', () => {
    expect(hashSchema([{ name: 't1', hash: a }, { name: 't2', hash: b }])).toBe(hashSchema([{ name: 't2', hash: b }, { name: 't1', hash: a }]));
    expect(hashSchema([{ name: 't1', hash: a }, { name: 't2', hash: b }])).not.toBe(hashSchema([{ name: 't1', hash: b }, { name: 't2', hash: a }]));
    const objs = [{ store: 's', path: 'x/1', sha256: a }, { store: 'r', path: 'y', sha256: b }];
    const schemas = [{ name: 'lab', hash: a }];
    expect(hashPipeline(schemas, objs)).toBe(hashPipeline(schemas, objs.slice().reverse()));
    expect(hashPipeline(schemas, objs)).not.toBe(hashPipeline(schemas, objs.slice(1)));
    expect(hashPipeline(schemas, [])).not.toBe(hashPipeline([{ name: 'lab2', hash: a }], []));
  });

  it('sort names by UTF-8 bytes, not UTF-16 units', () => {
    // U+FF21 (EF BC A1) sorts before U+1F600 (F0 9F 98 80) in UTF-8; JS string order says otherwise.
    const x = hashSchema([{ name: '\uff21', hash: a }, { name: '\u{1f600}', hash: b }]);
    const crypto = createHash('sha256');
    const u64 = (n: number): Buffer => { const buf = Buffer.alloc(8); buf.writeBigUInt64BE(BigInt(n)); return buf; };
    const str = (s: string): Buffer => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
    crypto.update(Buffer.concat([str('dj-snapshot/schema/v1'), u64(2), str('\uff21'), Buffer.from(a, 'hex'), str('\u{1f600}'), Buffer.from(b, 'hex')]));
    expect(x).toBe(crypto.digest('hex'));
  });

  it('reject duplicates and malformed hashes', () => {
    expect(() => hashSchema([{ name: 't', hash: a }, { name: 't', hash: b }])).toThrow(/listed twice/);
    expect(() => hashSchema([{ name: 't', hash: 'sha256:' + a }])).toThrow(/64 lower-case hex/);
    expect(() => hashPipeline([], [{ store: 's', path: 'p', sha256: a }, { store: 's', path: 'p', sha256: a }])).toThrow(/listed twice/);
  });
});

it('leaves no temporary directory behind after dispose', async () => {
  const h = new TableHasher(COLS, { spillRows: 10, tmpDir: dir });
  h.addRows(rows(50));
  await h.dispose();
  expect(readdirSync(dir).length).toBe(0);
  expect(existsSync(dir)).toBe(true);
});
