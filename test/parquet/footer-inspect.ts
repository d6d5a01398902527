/**
 * Test helper: an independent, read-only Parquet footer decoder (Thrift compact protocol),
 * written separately from src/parquet/thrift-compact.ts so the tests check the logical types
 * in the file without trusting either parquet-wasm's reader or our own footer code.
 * Field ids follow parquet.thrift (apache/parquet-format).
 */
import { readFileSync } from 'node:fs';

type Val = boolean | number | bigint | Uint8Array | Val[] | Obj;
interface Obj { [id: number]: Val }

class Cursor {
  i = 0;
  constructor(private readonly b: Uint8Array) {}
  u8(): number { return this.b[this.i++]; }
  uvar(): bigint {
    let r = 0n;
    let s = 0n;
    for (;;) {
      const x = this.u8();
      r |= BigInt(x & 127) << s;
      if (x < 128) return r;
      s += 7n;
    }
  }
  svar(): bigint {
    const u = this.uvar();
    return u & 1n ? -((u + 1n) / 2n) : u / 2n;
  }
  take(n: number): Uint8Array { const r = this.b.subarray(this.i, this.i + n); this.i += n; return r; }

  read(t: number, inList: boolean): Val {
    switch (t) {
      case 1: return inList ? this.u8() === 1 : true;
      case 2: return inList ? this.u8() === 1 : false;
      case 3: return this.u8();
      case 4: case 5: return Number(this.svar());
      case 6: return this.svar();
      case 7: { const v = new DataView(this.take(8).slice().buffer).getFloat64(0, true); return v; }
      case 8: return this.take(Number(this.uvar()));
      case 9: case 10: {
        const h = this.u8();
        const n = (h >> 4) === 15 ? Number(this.uvar()) : h >> 4;
        const out: Val[] = [];
        for (let k = 0; k < n; k++) out.push(this.read(h & 15, true));
        return out;
      }
      case 11: {
        const n = Number(this.uvar());
        if (n === 0) return [];
        const kv = this.u8();
        const out: Val[] = [];
        for (let k = 0; k < n; k++) out.push([this.read(kv >> 4, true), this.read(kv & 15, true)]);
        return out;
      }
      case 12: {
        const o: Obj = {};
        let last = 0;
        for (;;) {
          const h = this.u8();
          if (h === 0) return o;
          const id = (h >> 4) === 0 ? Number(this.svar()) : last + (h >> 4);
          o[id] = this.read(h & 15, false);
          last = id;
        }
      }
      default: throw new Error(`thrift type ${t}`);
    }
  }
}

export const PHYSICAL = ['BOOLEAN', 'INT32', 'INT64', 'INT96', 'FLOAT', 'DOUBLE', 'BYTE_ARRAY', 'FIXED_LEN_BYTE_ARRAY'] as const;
export const CONVERTED: Record<number, string> = {
  0: 'UTF8', 5: 'DECIMAL', 6: 'DATE', 8: 'TIME_MICROS', 10: 'TIMESTAMP_MICROS', 11: 'UINT_8', 12: 'UINT_16', 13: 'UINT_32', 14: 'UINT_64',
  15: 'INT_8', 16: 'INT_16', 17: 'INT_32', 18: 'INT_64', 19: 'JSON',
};

export interface LeafInfo {
  name: string;
  physical: string;
  typeLength?: number;
  repetition: 'REQUIRED' | 'OPTIONAL' | 'REPEATED';
  converted?: string;
  scale?: number;
  precision?: number;
  /** e.g. "UUID", "JSON", "STRING", "DATE", "DECIMAL(38,10)", "INT(64,false)", "TIMESTAMP(MICROS,utc=false)" */
  logical?: string;
}

export interface FooterInfo {
  numRows: bigint;
  createdBy: string;
  version: number;
  leaves: LeafInfo[];
  rowGroupRows: bigint[];
  keyValue: Map<string, string>;
  /** Per row group, per column: [has min/max statistics, dictionary page present] */
  chunkStats: Array<Array<{ hasMinMax: boolean; hasDictionary: boolean; codec: number }>>;
}

const dec = new TextDecoder();
const unit = (u: Obj): string => (u[1] ? 'MILLIS' : u[2] ? 'MICROS' : u[3] ? 'NANOS' : '?');

function logicalName(lt: Obj): string {
  const id = Number(Object.keys(lt)[0]);
  const v = lt[id] as Obj;
  switch (id) {
    case 1: return 'STRING';
    case 5: return `DECIMAL(${v[2] as number},${v[1] as number})`;
    case 6: return 'DATE';
    case 7: return `TIME(${unit(v[2] as Obj)},utc=${String(v[1])})`;
    case 8: return `TIMESTAMP(${unit(v[2] as Obj)},utc=${String(v[1])})`;
    case 10: return `INT(${v[1] as number},${String(v[2])})`;
    case 12: return 'JSON';
    case 14: return 'UUID';
    default: return `LOGICAL#${id}`;
  }
}

export function inspectFooter(path: string): FooterInfo {
  const file = readFileSync(path);
  if (file.subarray(0, 4).toString() !== 'PAR1' || file.subarray(file.length - 4).toString() !== 'PAR1') throw new Error('not parquet');
  const len = file.readUInt32LE(file.length - 8);
  const c = new Cursor(new Uint8Array(file.buffer, file.byteOffset + file.length - 8 - len, len));
  const fmd = c.read(12, false) as Obj;
  if (c.i !== len) throw new Error(`footer decode consumed ${c.i} of ${len} bytes`);
  const schema = fmd[2] as Obj[];
  const leaves = schema.slice(1).map((se): LeafInfo => {
    const info: LeafInfo = {
      name: dec.decode(se[4] as Uint8Array),
      physical: PHYSICAL[se[1] as number],
      repetition: (['REQUIRED', 'OPTIONAL', 'REPEATED'] as const)[se[3] as number],
    };
    if (se[2] !== undefined) info.typeLength = se[2] as number;
    if (se[6] !== undefined) info.converted = CONVERTED[se[6] as number] ?? `CONVERTED#${se[6] as number}`;
    if (se[7] !== undefined) info.scale = se[7] as number;
    if (se[8] !== undefined) info.precision = se[8] as number;
    if (se[10] !== undefined) info.logical = logicalName(se[10] as Obj);
    return info;
  });
  const rowGroups = (fmd[4] as Obj[] | undefined) ?? [];
  const kv = new Map<string, string>();
  for (const e of (fmd[5] as Obj[] | undefined) ?? []) kv.set(dec.decode(e[1] as Uint8Array), e[2] ? dec.decode(e[2] as Uint8Array) : '');
  return {
    numRows: fmd[3] as bigint,
    version: fmd[1] as number,
    createdBy: fmd[6] ? dec.decode(fmd[6] as Uint8Array) : '',
    leaves,
    rowGroupRows: rowGroups.map((rg) => rg[3] as bigint),
    keyValue: kv,
    chunkStats: rowGroups.map((rg) => (rg[1] as Obj[]).map((cc) => {
      const md = cc[3] as Obj;
      const st = md[12] as Obj | undefined;
      return {
        hasMinMax: st !== undefined && (st[5] !== undefined || st[6] !== undefined || st[1] !== undefined),
        hasDictionary: md[11] !== undefined,
        codec: md[4] as number,
      };
    })),
  };
}
