/** formats/hash.md §9, byte for byte (values computed with the spec's Python reference). */
import { describe, expect, it } from 'vitest';
import { hashPipeline, hashSchema } from '../../src/hash/combine.js';
import { RowDigester } from '../../src/hash/row-digest.js';
import { TableHasher, tableHeader } from '../../src/hash/table-hasher.js';
import type { ColumnShape, CValue } from '../../src/values/kinds.js';

const col = (name: string, kind: ColumnShape['kind'], extra: Partial<ColumnShape> = {}): ColumnShape =>
  ({ name, kind, nullable: false, djType: null, sqlType: kind, ...extra });

export const EXAMPLE_COLUMNS: ColumnShape[] = [
  col('subject_id', 'int32'), col('name', 'string'), col('weight', 'decimal', { precision: 5, scale: 2 }),
  col('born', 'date'), col('score', 'float64'), col('meta', 'json', { nullable: true }),
];
export const EXAMPLE_ROWS: CValue[][] = [
  [1, 'Anna', '61.5', 18628, 0.1, '{"b":1,"a":[1.0,2]}'],
  [2, 'Bob', '70.25', -1, NaN, null],
];

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const ROW1 = '69000000000000000001' + '730000000000000004416e6e61' + '64000000000000000536312e3530' + '44000048c4' +
  '663fb999999999999a' + '6a00000000000000117b2261223a5b312c325d2c2262223a317d';
const ROW2 = '69000000000000000002' + '730000000000000003426f62' + '64000000000000000537302e3235' + '44ffffffff' +
  '667ff8000000000000' + '00';
const HEADER = '0000000000000014646a2d736e617073686f742f7461626c652f7631' + '0000000000000006' +
  '000000000000000a7375626a6563745f6964' + '0000000000000003696e74' +
  '00000000000000046e616d65' + '0000000000000006737472696e67' +
  '0000000000000006776569676874' + '0000000000000007646563696d616c' +
  '0000000000000004626f726e' + '000000000000000464617465' +
  '000000000000000573636f7265' + '0000000000000005666c6f6174' +
  '00000000000000046d657461' + '00000000000000046a736f6e' + '0000000000000002';

describe('formats/hash.md worked example', () => {
  it('encodes each row as the spec writes it', () => {
    const d = new RowDigester(EXAMPLE_COLUMNS);
    expect(hex(d.encode(EXAMPLE_ROWS[0]))).toBe(ROW1);
    expect(hex(d.encode(EXAMPLE_ROWS[1]))).toBe(ROW2);
    expect(ROW1.length / 2).toBe(77);
    expect(ROW2.length / 2).toBe(51);
  });

  it('gives the spec row digests, header and table hash', async () => {
    const d = new RowDigester(EXAMPLE_COLUMNS);
    const out = new Uint8Array(64);
    d.digestInto(EXAMPLE_ROWS[0], out, 0);
    d.digestInto(EXAMPLE_ROWS[1], out, 32);
    expect(hex(out.subarray(0, 32))).toBe('df6e1481d60ed0c88cf66679cdfff88933bfc56c9a6d28a6149f38a6da61b180');
    expect(hex(out.subarray(32))).toBe('9c3a8e266637c233f04702c790c2599e4eb6e66a5dded32dcb5f375ee6acc96e');
    expect(hex(tableHeader(EXAMPLE_COLUMNS, 2))).toBe(HEADER);

    const t = new TableHasher(EXAMPLE_COLUMNS);
    t.addRows(EXAMPLE_ROWS);
    expect(await t.digest()).toBe('08c5d6601912b18767120f3717d402493a75c12ab927c9916eb11ffbd8d42596');
    expect(await new TableHasher(EXAMPLE_COLUMNS).digest()).toBe('52abf4a430fd215d7f1c324f5c1f59a18eabcc23de2fd4dd24e607ba63839446');
  });

  it('gives the spec schema and pipeline hashes', async () => {
    const subject = '08c5d6601912b18767120f3717d402493a75c12ab927c9916eb11ffbd8d42596';
    const t = new TableHasher(EXAMPLE_COLUMNS);
    t.add(EXAMPLE_ROWS[0]);
    const session = await t.digest();
    const schema = hashSchema([{ name: 'subject', hash: subject }, { name: 'session', hash: session }]);
    expect(schema).toBe('0cd5ae5feb943a45c3ffe69af75272d06a136079c64e96aa2f44ba14d69e8ffd');
    expect(hashPipeline([{ name: 'lab', hash: schema }], [{ store: 'main', path: 'lab/a.npy', sha256: 'ab'.repeat(32) }]))
      .toBe('b65020f1e9da093c4caf9b7c350d402661cb9223bd49515bb47c95525eb92a34');
  });
});
