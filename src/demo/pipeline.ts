/**
 * The demo pipeline behind `npm run demo`: a tiny neuroscience lab, small but real DataJoint
 * 2.x — a lookup, manual tables, an imported table, a computed table with a part table, a
 * renamed nullable foreign key, `<blob>` numeric arrays, an `<attach>` protocol file and the
 * store-backed `<blob@local>` and `<object@local>` (a report folder) in a local file store —
 * declared exactly as DataJoint 2.3.2 declares it, on PostgreSQL (and PGlite) or MariaDB.
 *
 * All content is computed from fixed formulas, tokens and timestamps, so seeding an empty
 * database twice gives identical rows and identical store files.
 *
 * Known DataJoint 2.3.2 limitation (its bug, not the demo's): on PostgreSQL, DataJoint cannot
 * fetch in-table `<attach>` values (psycopg2 returns bytea as memoryview); the stored bytes are
 * exactly what DataJoint writes, and MariaDB reads them fine.
 */
import path from 'node:path';
import type { Database } from '../db/types.js';
import { attachBytes, packBlob, py } from './blob-bytes.js';
import { attr, fk, type TableDef } from './definition.js';
import { deferred, seedPipeline, type SeedResult, type SeedRow } from './seed.js';

export interface DemoOptions {
  /** Folder for the object store: the store `local` is `<storeRoot>/local`. */
  storeRoot: string;
  /** Prefix of the schema name (default `demo_`): the schema is `<prefix>lab`. */
  schemaPrefix?: string;
}

/** DataJoint's `stores` setting for the demo (as in `datajoint.json`). */
export interface DemoStores {
  default: string;
  [store: string]: string | { protocol: 'file'; location: string };
}

export interface DemoResult {
  schemas: string[];
  stores: DemoStores;
  /** Every table with its row count, in declaration order (`~lineage` last). */
  tables: { schema: string; name: string; rows: number }[];
  seeded: SeedResult;
}

export const DEMO_STORE = 'local';
const TIMESTAMP = '2024-05-02T09:30:00.250000+00:00';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Deterministic samples: a few sine waves with a fixed phase per channel, rounded to µV. */
function trace(samples: number, channels: number, seed: number): number[] {
  const data: number[] = [];
  for (let s = 0; s < samples; s++) {
    for (let c = 0; c < channels; c++) {
      const t = s / 1000;
      data.push(Math.round(1e6 * (Math.sin(2 * Math.PI * (7 + c) * t + seed) * 0.05 + Math.sin(2 * Math.PI * 60 * t) * 0.01)) / 1e6);
    }
  }
  return data;
}

export function demoDefinitions(schema: string): TableDef[] {
  return [
    {
      schema, name: '#species', comment: 'animal species', key: [attr('species', 'varchar(32)', { comment: 'common name' })],
      body: [attr('latin_name', 'varchar(64)', { default: '""' })],
    },
    {
      schema, name: 'experimenter', comment: 'lab members', key: [attr('user_name', 'varchar(32)', { comment: 'login name' })],
      body: [attr('full_name', 'varchar(128)')],
    },
    {
      schema, name: 'subject', comment: 'experimental animals', key: [attr('subject_id', 'int32', { comment: 'subject number' })],
      body: [
        fk(schema, '#species'), attr('sex', "enum('F', 'M', 'U')"), attr('date_of_birth', 'date'),
        attr('notes', 'varchar(255)', { default: '""' }),
      ],
    },
    {
      schema, name: 'session', comment: 'recording session',
      key: [fk(schema, 'subject'), attr('session_idx', 'int16', { comment: 'session number for the subject' })],
      body: [
        attr('session_date', 'date'),
        fk(schema, 'experimenter', { nullable: true, proj: { operator: 'user_name' } }),
        attr('protocol', '<attach>', { comment: 'the protocol followed' }),
      ],
    },
    {
      schema, name: '_recording', comment: 'raw extracellular recording', key: [fk(schema, 'session')],
      body: [
        attr('sampling_rate', 'float64', { comment: 'Hz' }),
        attr('traces', '<blob>', { comment: 'samples x channels, volts' }),
        attr('raw', '<blob@local>', { comment: 'raw int16 samples as acquired' }),
      ],
    },
    {
      schema, name: '__spike_sorting', comment: 'spike sorting of a recording', key: [fk(schema, '_recording')],
      body: [attr('n_units', 'int32'), attr('report', '<object@local>', { comment: 'sorter report folder' })],
    },
    {
      schema, name: '__spike_sorting__unit', comment: 'one sorted unit',
      key: [fk(schema, '__spike_sorting'), attr('unit_id', 'int32')],
      body: [attr('spike_times', '<blob>', { comment: 'seconds' }), attr('snr', 'float32')],
    },
  ];
}

/** Seed the demo into `db` (the schema must not exist yet) and its store files under `storeRoot`. */
export async function seedDemo(db: Database, options: DemoOptions): Promise<DemoResult> {
  const schema = `${options.schemaPrefix ?? 'demo_'}lab`;
  const defs = demoDefinitions(schema);
  const rows: Record<string, SeedRow[]> = {
    '#species': [
      { species: 'mouse', latin_name: 'Mus musculus' },
      { species: 'rat', latin_name: 'Rattus norvegicus' },
    ],
    experimenter: [
      { user_name: 'ada', full_name: 'Ada Lovelace' },
      { user_name: 'ramon', full_name: 'Santiago Ramón y Cajal' },
    ],
    subject: [
      { subject_id: 1, species: 'mouse', sex: 'F', date_of_birth: '2024-01-10', notes: 'wild type' },
      { subject_id: 2, species: 'mouse', sex: 'M', date_of_birth: '2024-01-12', notes: '' },
      { subject_id: 3, species: 'rat', sex: 'U', date_of_birth: '2023-11-30', notes: 'implanted, left hemisphere' },
    ],
    session: [],
    _recording: [],
    __spike_sorting: [],
    __spike_sorting__unit: [],
  };
  const sessions: [number, number, string, string | null][] = [
    [1, 1, '2024-03-01', 'ada'], [1, 2, '2024-03-08', 'ramon'], [2, 1, '2024-03-02', null], [3, 1, '2024-03-05', 'ramon'],
  ];
  const protocolText = utf8('# Recording protocol\n1. Anaesthetise.\n2. Insert probe.\n3. Record 10 minutes.\n');
  for (const [subject, idx, date, operator] of sessions) {
    const key = { subject_id: subject, session_idx: idx };
    const n = rows.session.length;
    // In-table attachment: DataJoint stores `filename\0contents` in the column itself.
    rows.session.push({ ...key, session_date: date, operator, protocol: attachBytes('protocol.md', protocolText) });
    if (n === 2) continue; // one session not yet recorded
    const channels = 4;
    const samples = 500;
    rows._recording.push({
      ...key, sampling_rate: 30000,
      traces: packTraces(trace(samples, channels, n), samples, channels),
      raw: deferred.blob(py.array('int16', [samples * 2], Array.from({ length: samples * 2 }, (_, i) => ((i * 37 + n * 11) % 2001) - 1000))),
    });
    const units = 2 + n;
    rows.__spike_sorting.push({
      ...key, n_units: units,
      report: deferred.objectFolder(`rpt${n}Xy9Q`, [
        { path: 'summary.txt', bytes: utf8(`units: ${units}\nsorter: kilosort-like demo\n`) },
        { path: 'figures/waveforms.csv', bytes: utf8(`unit,peak_uv\n${Array.from({ length: units }, (_, u) => `${u},${-40 - 7 * u}`).join('\n')}\n`) },
      ], TIMESTAMP, TIMESTAMP),
    });
    for (let u = 0; u < units; u++) {
      const times = Array.from({ length: 5 + u }, (_, i) => Math.round((0.013 + i * 0.0371 + u * 0.002) * 1e4) / 1e4);
      rows.__spike_sorting__unit.push({
        ...key, unit_id: u, spike_times: packArray(times), snr: Math.fround(3.5 + u * 0.25),
      });
    }
  }
  const seeded = await seedPipeline(db, {
    schemas: [schema],
    steps: defs.map((def) => ({ kind: 'table' as const, def, rows: rows[def.name] ?? [] })),
  }, { storeRoot: options.storeRoot });
  return {
    schemas: [schema],
    stores: { default: DEMO_STORE, [DEMO_STORE]: { protocol: 'file', location: path.resolve(options.storeRoot, DEMO_STORE) } },
    tables: seeded.tables.map((t) => ({ schema: t.schema, name: t.name, rows: t.rows.length })),
    seeded,
  };
}

function packTraces(data: number[], samples: number, channels: number): Uint8Array {
  return packBlob(py.array('float64', [samples, channels], data));
}

function packArray(values: number[]): Uint8Array {
  return packBlob(py.array('float64', [values.length], values));
}
