/**
 * The test fixture pipeline: three DataJoint 2.3.2 schemas (`<prefix>lab`, `<prefix>ephys`,
 * `<prefix>analysis`, with foreign keys across them) declared exactly as DataJoint declares
 * them on the connected family, filled with the same logical content on MySQL and PostgreSQL,
 * and an object store with two file stores (`main`, the default, and `files` for filepaths).
 *
 * Coverage: every core type with edge values (integer extremes, float32-exact values, zero,
 * subnormal and extreme doubles (no -0: MariaDB stores it as +0, so the content would differ), decimal(38,10), dates and datetimes before 1970 and at the
 * ends of MySQL's range, datetime(3)/(6) fractions, unicode, empty strings and bytes, JSON of
 * every shape), NULL in every nullable type, defaults (text with a quote, CURRENT_TIMESTAMP,
 * enum, decimal, bool), every tier (lookup, manual, imported, computed, parts of manual,
 * imported and computed masters), renamed foreign keys (two to the same parent), nullable,
 * unique and nullable-unique foreign keys, a nullable foreign key sharing key columns,
 * cross-schema foreign keys (an enum key inherited across schemas on PostgreSQL), secondary
 * and unique indexes, a `_singleton` table, `_job_*` columns (also on an imported part, as
 * DataJoint does), a `~~` jobs table with rows, `~lineage` in each schema, `<blob>` of several
 * shapes (mYm arrays, dj0 scalars/containers, a compressed blob), `<attach>`, `<blob@main>`
 * (two rows sharing one deduplicated object), `<attach@main>`, `<hash@main>`, `<object@main>`
 * (single file with and without a dot in its ext, and a folder with manifest), `<npy@main>`,
 * `<filepath@files>`, and a plain non-DataJoint table in a DataJoint schema.
 *
 * `order: 'reverse'` inserts every table's rows (and lineage rows) in the opposite order; the
 * content, store files and object paths are identical.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Database, Family } from '../../src/db/types.js';
import { attachBytes, packBlob, py } from '../../src/demo/blob-bytes.js';
import type { TableDeclaration } from '../../src/demo/declare.js';
import { attr, fk, index, type TableDef } from '../../src/demo/definition.js';
import type { Row } from '../../src/demo/insert.js';
import { deferred, seedPipeline, type SeedRow, type SeedStep, type SeededKind } from '../../src/demo/seed.js';

export interface FixtureOptions {
  /** Schema name prefix, e.g. a scratch prefix `t1a2b3c4_`. */
  prefix: string;
  /** Folder holding the stores: `<storeRoot>/main`, `<storeRoot>/files`. */
  storeRoot: string;
  order?: 'forward' | 'reverse';
}

export interface FixtureTable {
  schema: string;
  name: string;
  kind: SeededKind;
  /** DataJoint tier, `jobs`, or null for `~lineage` and the plain table. */
  tier: string | null;
  rowCount: number;
  columns: string[];
  hiddenColumns: string[];
  primaryKey: string[];
  declaration: TableDeclaration | null;
  /** Rows as inserted (logical values; store values as their metadata), in definition order. */
  rows: Row[];
}

export interface FixtureStoreFile {
  store: string;
  /** Path relative to the store's location. */
  path: string;
  size: number;
  sha256: string;
}

export interface FixtureDescription {
  family: Family;
  prefix: string;
  schemas: { lab: string; ephys: string; analysis: string };
  schemaList: string[];
  /** DataJoint's `stores` setting for this fixture. */
  stores: { default: string; filepath_default: string; main: { protocol: 'file'; location: string }; files: { protocol: 'file'; location: string } };
  tables: FixtureTable[];
  storeFiles: FixtureStoreFile[];
  /** Every `~lineage` row: [schema, table, attribute, lineage]. */
  lineage: [string, string, string, string][];
}

export const FIXTURE_STORES = ['main', 'files'] as const;

const T0 = '2024-05-01T10:00:00.123456+00:00';
const T1 = '2024-05-01T10:05:00.654321+00:00';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const bytesOf = (...values: number[]): Uint8Array => Uint8Array.from(values);
const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));

export function fixtureDefinitions(prefix: string): { lab: string; ephys: string; analysis: string; defs: TableDef[] } {
  const lab = `${prefix}lab`;
  const ephys = `${prefix}ephys`;
  const analysis = `${prefix}analysis`;
  const defs: TableDef[] = [
    {
      schema: lab, name: '#species', comment: 'animal species', key: [attr('species', 'varchar(32)', { comment: 'common name' })],
      body: [attr('latin_name', 'varchar(64)', { default: '""', comment: 'binomial name' }), attr('aliases', 'json', { default: 'null' })],
    },
    {
      schema: lab, name: '#modality', comment: 'recording modalities',
      key: [attr('modality', "enum('ephys','imaging','behavior')")], body: [attr('description', 'varchar(255)')],
    },
    {
      schema: lab, name: 'experimenter', comment: 'lab members', key: [attr('user_name', 'varchar(32)', { comment: 'login name' })],
      body: [attr('full_name', 'varchar(128)'), attr('email', 'varchar(128)', { default: 'null' }), index(['email'], { unique: true })],
    },
    {
      schema: lab, name: 'subject', comment: 'experimental animals', key: [attr('subject_id', 'int32', { comment: 'subject number' })],
      body: [
        fk(lab, '#species'),
        attr('sex', "enum('F','M','U')"),
        attr('date_of_birth', 'date'),
        attr('subject_uuid', 'uuid', { comment: 'registry id' }),
        attr('genotype', 'varchar(255)', { default: '""' }),
        attr('weight', 'decimal(6,2)', { default: 'null', comment: 'grams' }),
        attr('notes', 'varchar(1024)', { default: '""', comment: 'free text, say "hi"' }),
        index(['subject_uuid'], { unique: true }),
        index(['date_of_birth']),
      ],
    },
    {
      schema: lab, name: 'all_types', comment: 'every core type with edge values', key: [attr('type_id', 'int16')],
      body: [
        attr('v_int8', 'int8'), attr('v_int16', 'int16'), attr('v_int32', 'int32'), attr('v_int64', 'int64'),
        attr('v_float32', 'float32'), attr('v_float64', 'float64'), attr('v_bool', 'bool'), attr('v_uuid', 'uuid'),
        attr('v_json', 'json'), attr('v_bytes', 'bytes'), attr('v_date', 'date'), attr('v_datetime', 'datetime'),
        attr('v_datetime3', 'datetime(3)'), attr('v_datetime6', 'datetime(6)'), attr('v_char', 'char(8)'),
        attr('v_varchar', 'varchar(255)'), attr('v_enum', "enum('low', 'mid', 'high')"),
        attr('v_decimal', 'decimal(38,10)'), attr('v_decimal_small', 'decimal(5,2)'),
      ],
    },
    {
      schema: lab, name: 'nullable_types', comment: 'every type nullable', key: [attr('row_id', 'int32')],
      body: [
        ...['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'bool', 'uuid', 'json', 'bytes', 'date', 'datetime(6)']
          .map((t) => attr(`n_${t.replace(/\W+/g, '')}`, t, { default: 'null' })),
        attr('n_char', 'char(4)', { default: 'null' }), attr('n_varchar', 'varchar(32)', { default: 'null' }),
        attr('n_enum', "enum('x','y')", { default: 'null' }), attr('n_decimal', 'decimal(10,4)', { default: 'null' }),
        attr('n_blob', '<blob>', { default: 'null' }), attr('n_attach', '<attach>', { default: 'null' }),
        attr('n_blob_store', '<blob@main>', { default: 'null' }),
      ],
    },
    {
      schema: lab, name: 'with_defaults', comment: 'declared defaults', key: [attr('id', 'int32')],
      body: [
        attr('count', 'int32', { default: '42' }), attr('label', 'varchar(16)', { default: '"it\'s"' }),
        attr('level', "enum('low','mid','high')", { default: "'mid'" }), attr('ratio', 'decimal(4,2)', { default: '1.50' }),
        attr('flag', 'bool', { default: '0' }), attr('tiny', 'int8', { default: '-1' }),
        attr('created', 'datetime', { default: 'CURRENT_TIMESTAMP' }),
        attr('updated', 'datetime(3)', { default: 'CURRENT_TIMESTAMP(3)' }),
      ],
    },
    {
      schema: lab, name: 'lab_config', comment: 'one row of settings', key: [],
      body: [attr('pipeline_version', 'varchar(16)'), attr('threshold', 'float64'), fk(lab, 'experimenter', { nullable: true })],
    },

    {
      schema: ephys, name: '#sorting_method', comment: 'spike sorting methods', key: [attr('method', 'varchar(16)')],
      body: [attr('params', '<blob>', { comment: 'parameters' }), attr('description', 'varchar(255)', { default: '""' })],
    },
    {
      schema: ephys, name: 'session', comment: 'recording session',
      key: [fk(lab, 'subject'), attr('session_idx', 'int16', { comment: 'session number' })],
      body: [
        attr('session_date', 'date'),
        fk(lab, 'experimenter', { nullable: true, proj: { operator: 'user_name' } }),
        fk(lab, 'experimenter', { nullable: true, proj: { reviewer: 'user_name' } }),
        fk(lab, '#modality'),
        attr('session_start', 'datetime(6)'),
        attr('rig', "enum('A','B')", { default: 'null' }),
        attr('notes', 'varchar(255)', { default: '""', comment: 'say "hi"' }),
        index(['session_start'], { unique: true }),
        index(['session_date', 'rig']),
      ],
    },
    {
      schema: ephys, name: 'session__note', comment: 'notes taken during a session',
      key: [fk(ephys, 'session'), attr('note_idx', 'int16')], body: [attr('text', 'varchar(1000)')],
    },
    {
      schema: ephys, name: '_recording', comment: 'raw recording', key: [fk(ephys, 'session')], jobMetadata: true,
      body: [
        attr('sampling_rate', 'float64', { comment: 'Hz' }),
        attr('traces', '<blob>', { comment: 'samples x channels' }),
        attr('raw', '<blob@main>', { comment: 'raw samples' }),
        attr('protocol', '<attach>'),
        attr('protocol_copy', '<attach@main>'),
        attr('checksum_source', '<hash@main>'),
      ],
    },
    {
      schema: ephys, name: '_recording__channel', comment: 'per channel', jobMetadata: true,
      key: [fk(ephys, '_recording'), attr('channel', 'int16')],
      body: [attr('waveform', '<npy@main>'), attr('gain', 'float32', { default: 'null' }), attr('impedance', 'decimal(8,3)', { default: 'null' })],
    },
    {
      schema: ephys, name: '__spike_sorting', comment: 'spike sorting result', jobMetadata: true,
      key: [fk(ephys, '_recording'), fk(ephys, '#sorting_method')],
      body: [
        attr('n_units', 'int32'), attr('report', '<object@main>', { comment: 'report folder' }),
        attr('summary', '<object@main>', { comment: 'summary file' }), attr('quality', '<blob>', { default: 'null' }),
        attr('sorted_at', 'datetime(3)'),
      ],
    },
    {
      schema: ephys, name: '__spike_sorting__unit', comment: 'a sorted unit',
      key: [fk(ephys, '__spike_sorting'), attr('unit_id', 'int32')],
      body: [
        attr('spike_times', '<blob>'), attr('waveform_mean', '<blob@main>'),
        fk(ephys, '_recording__channel', { nullable: true, proj: { peak_channel: 'channel' } }),
        attr('label', "enum('good','mua','noise')", { default: 'null' }),
      ],
    },
    {
      schema: ephys, name: 'raw_file', comment: 'files kept by path', key: [attr('file_id', 'int32')],
      body: [fk(ephys, 'session', { nullable: true, unique: true }), attr('path', '<filepath@files>'), attr('kind', 'varchar(16)', { default: '"raw"' })],
    },

    {
      schema: analysis, name: '__population', comment: 'population statistics', key: [fk(ephys, '__spike_sorting')],
      body: [
        attr('rates', '<blob>', { comment: 'float32 matrix' }), attr('counts', '<blob>'), attr('mask', '<blob>'),
        attr('meta', '<blob>'), attr('labels', '<blob>'), attr('big', '<blob>'), attr('scalar', '<blob>'),
      ],
    },
    {
      schema: analysis, name: 'modality_summary', comment: 'sessions per modality and year',
      key: [fk(lab, '#modality'), attr('year', 'int16')], body: [attr('n_sessions', 'int32')],
    },
  ];
  return { lab, ephys, analysis, defs };
}

function fixtureRows(names: { lab: string; ephys: string; analysis: string }): Record<string, SeedRow[]> {
  const { lab, ephys } = names;
  const recordings: [number, number][] = [[1, 1], [1, 2], [2, 1]];
  const protocol = utf8('1. anaesthetise\n2. record\n');
  const sharedRaw = packBlob(py.array('int16', [6], [1, -2, 3, -4, 5, -6]));
  const rows: Record<string, SeedRow[]> = {
    [`${lab}.#species`]: [
      { species: 'mouse', latin_name: 'Mus musculus', aliases: ['lab mouse', 'house mouse'] },
      { species: 'rat', latin_name: 'Rattus norvegicus', aliases: null },
      { species: 'zebra_finch', latin_name: '', aliases: { song: true, note: 'Grüße 🐦', n: 2 } },
    ],
    [`${lab}.#modality`]: [
      { modality: 'ephys', description: 'extracellular electrophysiology' },
      { modality: 'imaging', description: 'two-photon imaging' },
      { modality: 'behavior', description: '' },
    ],
    [`${lab}.experimenter`]: [
      { user_name: 'alice', full_name: 'Alice Ámbar', email: 'alice@example.org' },
      { user_name: 'bob', full_name: 'Bob O\'Neil', email: null },
      { user_name: 'chen', full_name: '陈静', email: 'chen@example.org' },
    ],
    [`${lab}.subject`]: [
      { subject_id: 1, species: 'mouse', sex: 'F', date_of_birth: '2023-12-01', subject_uuid: '3f2b8c4e-1d2a-4b5c-9e8f-0a1b2c3d4e5f', genotype: 'wt', weight: '21.50', notes: '' },
      { subject_id: 2, species: 'mouse', sex: 'M', date_of_birth: '1969-07-20', subject_uuid: 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', genotype: '', weight: null, notes: 'Ünïcødé — “quoted” ✓' },
      { subject_id: 3, species: 'rat', sex: 'U', date_of_birth: '1900-01-01', subject_uuid: '00000000-0000-0000-0000-000000000001', genotype: 'Cre+/-', weight: '-0.01', notes: 'tab\there\nnewline' },
      { subject_id: -2147483648, species: 'zebra_finch', sex: 'F', date_of_birth: '2000-02-29', subject_uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff', genotype: '', weight: '9999.99', notes: 'x'.repeat(1024) },
    ],
    [`${lab}.all_types`]: [
      {
        type_id: 1, v_int8: -128, v_int16: -32768, v_int32: -2147483648, v_int64: -9223372036854775808n,
        v_float32: -3.4028234663852886e38, v_float64: -1.7976931348623157e308, v_bool: false,
        v_uuid: '00000000-0000-0000-0000-000000000000', v_json: {}, v_bytes: new Uint8Array(0),
        v_date: '1000-01-01', v_datetime: '1000-01-01 00:00:00', v_datetime3: '1000-01-01 00:00:00.000',
        v_datetime6: '1000-01-01 00:00:00.000000', v_char: '', v_varchar: '', v_enum: 'low',
        v_decimal: '-9999999999999999999999999999.9999999999', v_decimal_small: '-999.99',
      },
      {
        type_id: 2, v_int8: 127, v_int16: 32767, v_int32: 2147483647, v_int64: 9223372036854775807n,
        v_float32: 3.4028234663852886e38, v_float64: 1.7976931348623157e308, v_bool: true,
        v_uuid: 'ffffffff-ffff-ffff-ffff-ffffffffffff', v_json: [1, 'two', null, true, { k: [3.5, -1] }],
        v_bytes: Uint8Array.from(range(256, (i) => i)), v_date: '9999-12-31', v_datetime: '9999-12-31 23:59:59',
        v_datetime3: '9999-12-31 23:59:59.999', v_datetime6: '9999-12-31 23:59:59.999999', v_char: 'ABCDEFGH',
        v_varchar: 'Grüße, 世界 🧠'.repeat(10), v_enum: 'high',
        v_decimal: '9999999999999999999999999999.9999999999', v_decimal_small: '999.99',
      },
      {
        type_id: 3, v_int8: 0, v_int16: 0, v_int32: 0, v_int64: 0n, v_float32: Math.fround(0.1), v_float64: 0,
        v_bool: false, v_uuid: 'f81d4fae-7dec-11d0-a765-00a0c91e6bf6', v_json: 'just a string', v_bytes: bytesOf(0),
        v_date: '1969-12-31', v_datetime: '1969-12-31 23:59:59', v_datetime3: '1970-01-01 00:00:00.001',
        v_datetime6: '1969-12-31 23:59:59.999999', v_char: 'ab', v_varchar: 'quotes \' " \\ backslash',
        v_enum: 'mid', v_decimal: '0.0000000001', v_decimal_small: '0.00',
      },
      {
        type_id: 4, v_int8: -1, v_int16: 1, v_int32: -1, v_int64: 4611686018427387904n,
        v_float32: 1.1754943508222875e-38, v_float64: 5e-324, v_bool: true,
        v_uuid: '123e4567-e89b-12d3-a456-426614174000', v_json: { nested: { list: [1, 2, 3], empty: [], obj: {} }, 'ключ': 'значение' },
        v_bytes: utf8('DataJoint\0bytes'), v_date: '2000-02-29', v_datetime: '2000-02-29 12:00:00',
        v_datetime3: '2024-01-15 13:45:30.123', v_datetime6: '2024-01-15 13:45:30.123456', v_char: 'x y',
        v_varchar: '', v_enum: 'low', v_decimal: '-0.5', v_decimal_small: '12.30',
      },
      {
        type_id: -32768, v_int8: 7, v_int16: -7, v_int32: 65536, v_int64: -1n, v_float32: 0, v_float64: 0.1,
        v_bool: false, v_uuid: '6ba7b810-9dad-11d1-80b4-00c04fd430c8', v_json: 42, v_bytes: bytesOf(0xff, 0x00, 0xfe),
        v_date: '1970-01-01', v_datetime: '1970-01-01 00:00:00', v_datetime3: '1969-12-31 23:59:59.999',
        v_datetime6: '1901-12-13 20:45:52.000001', v_char: 'é', v_varchar: 'NULL', v_enum: 'high',
        v_decimal: '1234567890123456789012345678.0123456789', v_decimal_small: '-0.01',
      },
    ],
    [`${lab}.nullable_types`]: [
      {
        row_id: 1, n_int8: null, n_int16: null, n_int32: null, n_int64: null, n_float32: null, n_float64: null, n_bool: null,
        n_uuid: null, n_json: null, n_bytes: null, n_date: null, n_datetime6: null, n_char: null, n_varchar: null,
        n_enum: null, n_decimal: null, n_blob: null, n_attach: null, n_blob_store: null,
      },
      {
        row_id: 2, n_int8: 1, n_int16: 2, n_int32: 3, n_int64: 4n, n_float32: 0.5, n_float64: 0.25, n_bool: true,
        n_uuid: 'c9bf9e57-1685-4c89-bafb-ff5af830be8a', n_json: null, n_bytes: bytesOf(1, 2), n_date: '2024-02-29',
        n_datetime6: '2024-02-29 23:59:59.500000', n_char: 'ab', n_varchar: '', n_enum: 'y', n_decimal: '3.1416',
        n_blob: packBlob(py.none()), n_attach: attachBytes('empty.txt', new Uint8Array(0)),
        n_blob_store: deferred.blob(py.list(py.int(1), py.str('a'))),
      },
    ],
    [`${lab}.with_defaults`]: [
      { id: 1, count: 42, label: "it's", level: 'mid', ratio: '1.50', flag: false, tiny: -1, created: '2024-05-01 10:00:00', updated: '2024-05-01 10:00:00.123' },
      { id: 2, count: -7, label: '', level: 'low', ratio: '0.00', flag: true, tiny: 127, created: '1999-12-31 23:59:59', updated: '1999-12-31 23:59:59.999' },
    ],
    [`${lab}.lab_config`]: [{ pipeline_version: '2.3.2', threshold: 4.5, user_name: 'alice' }],

    [`${ephys}.#sorting_method`]: [
      { method: 'kilo', params: packBlob(py.dict({ threshold: py.float(4.5), channels: py.list(py.int(0), py.int(1)), whiten: py.bool(true) })), description: 'template matching' },
      { method: 'manual', params: packBlob(py.dict({})), description: '' },
    ],
    [`${ephys}.session`]: [
      { subject_id: 1, session_idx: 1, session_date: '2024-03-01', operator: 'alice', reviewer: 'bob', modality: 'ephys', session_start: '2024-03-01 09:00:00.000001', rig: 'A', notes: '' },
      { subject_id: 1, session_idx: 2, session_date: '2024-03-08', operator: 'chen', reviewer: null, modality: 'ephys', session_start: '2024-03-08 09:00:00.500000', rig: null, notes: 'say "hi"' },
      { subject_id: 2, session_idx: 1, session_date: '2024-03-02', operator: null, reviewer: 'alice', modality: 'imaging', session_start: '2024-03-02 14:30:00', rig: 'B', notes: 'Ünïcødé' },
      { subject_id: 3, session_idx: 1, session_date: '1969-12-31', operator: null, reviewer: null, modality: 'behavior', session_start: '1969-12-31 23:59:59.999999', rig: 'B', notes: '' },
    ],
    [`${ephys}.session__note`]: [
      { subject_id: 1, session_idx: 1, note_idx: 1, text: 'probe moved' },
      { subject_id: 1, session_idx: 1, note_idx: 2, text: '' },
      { subject_id: 3, session_idx: 1, note_idx: 1, text: 'animal calm ✓' },
    ],
    [`${ephys}._recording`]: recordings.map(([s, i], n) => ({
      subject_id: s, session_idx: i, sampling_rate: [30000, 20000.5, 1e-3][n],
      traces: packBlob(py.array('float64', [4, 2], range(8, (k) => k * 0.5 - n))),
      // The first two recordings share raw content: one object, deduplicated.
      raw: n < 2 ? deferred.hash(sharedRaw) : deferred.blob(py.array('int16', [3], [7, 8, 9])),
      protocol: attachBytes('protocol.txt', protocol),
      protocol_copy: deferred.attach(`protocol_${n}.txt`, protocol),
      checksum_source: deferred.hash(utf8(`source bytes ${n}`)),
      _job_start_time: n === 2 ? null : `2024-05-01 10:0${n}:00.123`,
      _job_duration: n === 2 ? null : Math.fround(1.5 + n),
      _job_version: n === 2 ? '' : 'abc1234',
    })),
    [`${ephys}._recording__channel`]: recordings.flatMap(([s, i], n) => [0, 1].map((c) => ({
      subject_id: s, session_idx: i, channel: c,
      waveform: deferred.npy(`wf${n}${c}AbCd`, c === 0 ? 'float64' : 'int32', c === 0 ? [4] : [2, 3], c === 0 ? [0.5, -1, 2.25, 0] : [1, 2, 3, -4, -5, -6]),
      gain: c === 0 ? Math.fround(0.195) : null, impedance: c === 0 ? '1234.567' : null,
      _job_start_time: null, _job_duration: null, _job_version: '',
    }))),
    [`${ephys}.__spike_sorting`]: recordings.map(([s, i], n) => ({
      subject_id: s, session_idx: i, method: n === 2 ? 'manual' : 'kilo', n_units: 2,
      report: deferred.objectFolder(`rep${n}_x-Z`, [
        { path: 'index.html', bytes: utf8(`<h1>report ${n}</h1>\n`) },
        { path: 'data/units.csv', bytes: utf8('unit,snr\n0,4.5\n1,3.25\n') },
        { path: 'data/empty.bin', bytes: new Uint8Array(0) },
      ], T0, T0),
      summary: n === 1
        ? deferred.objectFile(`sum${n}Qw12`, 'json', utf8('{"units": 2}'), T1)
        : deferred.objectFile(`sum${n}Qw12`, '.txt', utf8(`summary ${n}\n`), T1),
      quality: n === 0 ? null : packBlob(py.array('float32', [2], [Math.fround(0.9), Math.fround(0.75)])),
      sorted_at: `2024-05-0${n + 2} 08:00:00.25${n}`,
      _job_start_time: `2024-05-01 11:00:0${n}.000`, _job_duration: Math.fround(0.25), _job_version: 'v2.3.2',
    })),
    [`${ephys}.__spike_sorting__unit`]: recordings.flatMap(([s, i], n) => [0, 1].map((u) => ({
      subject_id: s, session_idx: i, method: n === 2 ? 'manual' : 'kilo', unit_id: u,
      spike_times: packBlob(py.array('float64', [3 + u], range(3 + u, (k) => 0.01 * (k + 1) + n))),
      // Unit 0 of every recording has the same mean waveform: one deduplicated object.
      waveform_mean: deferred.blob(py.array('float32', [4], [0, -1, Math.fround(-0.5), 0.25].map((x) => Math.fround(x + (u === 0 ? 0 : n))))),
      peak_channel: u === 0 ? 1 : null,
      label: u === 0 ? 'good' : null,
    }))),
    [`${ephys}.raw_file`]: [
      { file_id: 1, subject_id: 1, session_idx: 1, path: deferred.filepath('raw/s1/session1.dat', utf8('raw file one'), T0), kind: 'raw' },
      { file_id: 2, subject_id: null, session_idx: null, path: deferred.filepath('shared/readme.txt', utf8('shared readme\n'), T1), kind: 'doc' },
    ],
    [`${names.analysis}.__population`]: recordings.map(([s, i], n) => ({
      subject_id: s, session_idx: i, method: n === 2 ? 'manual' : 'kilo',
      rates: packBlob(py.array('float32', [2, 3], [1, 2, 3, 4, 5, 6].map((x) => Math.fround(x * 0.1 + n)))),
      counts: packBlob(py.array('int64', [3], [0n, -1n, 9007199254740993n])),
      mask: packBlob(py.array('bool', [2, 2], [true, false, false, true])),
      meta: packBlob(py.dict({ n: py.int(n), name: py.str(`pop ${n}`), ratio: py.float(0.5), missing: py.none(), pair: py.tuple(py.int(-1), py.int(300)) })),
      labels: packBlob(py.list(py.str('good'), py.str('mua'), py.bytes(bytesOf(1, 2, 3)))),
      big: packBlob(py.array('float64', [2000], range(2000, () => 0))),
      scalar: packBlob(n === 0 ? py.float(2.5) : n === 1 ? py.int(-128) : py.str('')),
    })),
    [`${names.analysis}.modality_summary`]: [
      { modality: 'ephys', year: 2024, n_sessions: 2 },
      { modality: 'imaging', year: 2024, n_sessions: 1 },
      { modality: 'behavior', year: 1969, n_sessions: 1 },
    ],
  };
  return rows;
}

function jobsRows(): SeedRow[] {
  return [
    {
      subject_id: 2, session_idx: 1, method: 'manual', status: 'error', priority: 5,
      created_time: '2024-05-01 09:00:00.000', scheduled_time: '2024-05-01 09:00:00.000', reserved_time: '2024-05-01 09:01:00.000',
      completed_time: '2024-05-01 09:01:02.500', duration: 2.5, error_message: 'ValueError: no spikes',
      error_stack: packBlob(py.str('Traceback (most recent call last):\n  ValueError: no spikes\n')),
      user: 'alice@%', host: 'node-1', pid: 4242, connection_id: 17n, version: 'v2.3.2',
    },
    {
      subject_id: 1, session_idx: 2, method: 'manual', status: 'pending', priority: 0,
      created_time: '2024-05-01 09:00:00.001', scheduled_time: '2024-05-01 09:00:00.001', reserved_time: null,
      completed_time: null, duration: null, error_message: '', error_stack: null,
      user: '', host: '', pid: 0, connection_id: 0n, version: '',
    },
  ];
}

/** Declare and fill the fixture pipeline; the schemas must not exist yet. */
export async function buildFixturePipeline(db: Database, options: FixtureOptions): Promise<FixtureDescription> {
  const { lab, ephys, analysis, defs } = fixtureDefinitions(options.prefix);
  const rows = fixtureRows({ lab, ephys, analysis });
  const steps: SeedStep[] = [];
  for (const def of defs) {
    steps.push({ kind: 'table', def, rows: rows[`${def.schema}.${def.name}`] ?? [] });
    if (def.schema === lab && def.name === 'all_types') {
      steps.push({
        kind: 'plain',
        table: {
          schema: lab, name: 'audit_log_2024', columns: ['entry_id', 'message', 'logged_at'], primaryKey: ['entry_id'],
          ddl: {
            mysql: 'CREATE TABLE {schema}.{table} (`entry_id` int NOT NULL, `message` varchar(200) NOT NULL, `logged_at` datetime(6) NOT NULL, PRIMARY KEY (`entry_id`)) ENGINE=InnoDB',
            postgres: 'CREATE TABLE {schema}.{table} ("entry_id" integer NOT NULL, "message" varchar(200) NOT NULL, "logged_at" timestamp(6) NOT NULL, PRIMARY KEY ("entry_id"))',
          },
          rows: [[1, 'schema created by hand', '2024-01-01 00:00:00.000000'], [2, 'not a DataJoint table', '2024-01-02 03:04:05.060708']],
        },
      });
    }
    if (def.schema === ephys && def.name === '__spike_sorting') {
      steps.push({ kind: 'jobs', target: { schema: ephys, table: '__spike_sorting' }, rows: jobsRows() });
    }
  }
  const seeded = await seedPipeline(db, { schemas: [lab, ephys, analysis], steps }, { storeRoot: options.storeRoot, order: options.order });
  const tables: FixtureTable[] = seeded.tables.map((t) => ({
    schema: t.schema,
    name: t.name,
    kind: t.kind,
    tier: t.declaration?.tier ?? null,
    rowCount: t.rows.length,
    columns: t.columns,
    hiddenColumns: t.hiddenColumns,
    primaryKey: t.primaryKey,
    declaration: t.declaration,
    rows: t.rows,
  }));
  const lineage: [string, string, string, string][] = tables.filter((t) => t.kind === 'lineage')
    .flatMap((t) => t.rows.map((r): [string, string, string, string] => [t.schema, String(r.table_name), String(r.attribute_name), String(r.lineage)]));
  return {
    family: db.family,
    prefix: options.prefix,
    schemas: { lab, ephys, analysis },
    schemaList: [lab, ephys, analysis],
    stores: {
      default: 'main',
      filepath_default: 'files',
      main: { protocol: 'file', location: path.resolve(options.storeRoot, 'main') },
      files: { protocol: 'file', location: path.resolve(options.storeRoot, 'files') },
    },
    tables,
    storeFiles: await listStoreFiles(options.storeRoot),
    lineage,
  };
}

/** Every file under the given stores (default: the fixture's) with size and SHA-256, sorted by store and path. */
export async function listStoreFiles(storeRoot: string, stores: readonly string[] = FIXTURE_STORES): Promise<FixtureStoreFile[]> {
  const out: FixtureStoreFile[] = [];
  for (const store of stores) {
    const root = path.join(storeRoot, store);
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (!e.isFile()) continue;
      const full = path.join(e.parentPath, e.name);
      const bytes = await readFile(full);
      out.push({
        store,
        path: path.relative(root, full).split(path.sep).join('/'),
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  }
  return out.sort((a, b) => (a.store + '/' + a.path < b.store + '/' + b.path ? -1 : 1));
}
