/**
 * A small pipeline declared the way DataJoint 2.3.2 declares it (src/demo), for the import
 * tests: two schemas with a foreign key from one into the other (so renaming must rewrite a
 * cross-schema reference and `~lineage` strings), every core type DataJoint can carry across
 * backends, in-table and store codecs (objects in two stores), a part table, hidden `_job_*`
 * columns. Values are deterministic functions of the row number.
 */
import path from 'node:path';
import type { Database } from '../../src/db/types.js';
import { packBlob, py } from '../../src/demo/blob-bytes.js';
import { attr, fk } from '../../src/demo/definition.js';
import { deferred, seedPipeline, type SeedPlan, type SeedRow, type SeedResult } from '../../src/demo/seed.js';

export function fixturePlan(prefix: string, subjects = 12): SeedPlan {
  const lab = `${prefix}lab`;
  const acq = `${prefix}acq`;
  const subjectRows: SeedRow[] = Array.from({ length: subjects }, (_, i) => ({
    subject_id: i + 1,
    species: i % 3 === 0 ? 'rat' : 'mouse',
    sex: ['M', 'F', 'U'][i % 3],
    dob: `20${String(10 + (i % 10)).padStart(2, '0')}-0${1 + (i % 9)}-1${i % 10}`,
    weight: Math.fround(20.5 + i / 8),
    height: i % 4 === 0 ? null : 0.1 * i,
    uid: `0000000${i % 10}-1111-4222-8333-${String(444444444444 + i).padStart(12, '0')}`,
    active: i % 2 === 0,
    notes: i % 5 === 0 ? 'tab\there, newline\nthere, backslash \\ and ünïcødé 🧪' : `subject ${i + 1}`,
    meta: { n: i, tags: ['a', 'b'], nested: { x: i / 4 } },
    created: `2024-01-0${1 + (i % 9)} 12:34:56.${String(100000 + i).slice(0, 6)}`,
  }));
  const sessionRows: SeedRow[] = subjectRows.flatMap((s, i) => [1, 2].map((k) => ({
    subject_id: s.subject_id,
    session_idx: k,
    started: `2024-02-0${1 + (i % 9)} 0${k}:00:00.${String(k * 111).padStart(3, '0')}`,
    temperature: `${(20 + i / 4).toFixed(2)}`,
    big: BigInt(i) * 10n ** 15n + BigInt(k),
    raw: new Uint8Array([0, 9, 10, 13, 92, i & 255, k]),
    trace: packBlob(py.array('float64', [3], [i, k, i * k + 0.5])),
    code: `c${i}${k}`,
  })));
  return {
    schemas: [lab, acq],
    steps: [
      {
        kind: 'table',
        def: { schema: lab, name: '#species', comment: 'species', key: [attr('species', 'varchar(32)')], body: [attr('latin', 'varchar(64)', { default: '""' })] },
        rows: [{ species: 'mouse', latin: 'Mus musculus' }, { species: 'rat', latin: 'Rattus norvegicus' }],
      },
      {
        kind: 'table',
        def: {
          schema: lab, name: 'subject', comment: 'an animal',
          key: [attr('subject_id', 'int32')],
          body: [
            fk(lab, '#species'),
            attr('sex', "enum('M', 'F', 'U')"), attr('dob', 'date'), attr('weight', 'float32'),
            attr('height', 'float64', { default: 'null' }), attr('uid', 'uuid'), attr('active', 'bool'),
            attr('notes', 'varchar(255)', { default: '""', comment: 'free text' }), attr('meta', 'json'),
            attr('created', 'datetime(6)'),
          ],
        },
        rows: subjectRows,
      },
      {
        kind: 'table',
        def: {
          schema: acq, name: 'session', comment: 'a recording session',
          key: [fk(lab, 'subject'), attr('session_idx', 'int16')],
          body: [
            attr('started', 'datetime(3)'), attr('temperature', 'decimal(6,2)'), attr('big', 'int64'),
            attr('raw', 'bytes'), attr('trace', '<blob>'), attr('code', 'char(8)'),
          ],
        },
        rows: sessionRows,
      },
      {
        kind: 'table',
        def: {
          schema: acq, name: '_scan', comment: 'imported scan', jobMetadata: true,
          key: [fk(acq, 'session')],
          body: [attr('image', '<blob@main>'), attr('note', '<attach@main>'), attr('source', '<filepath@files>', { default: 'null' })],
        },
        rows: sessionRows.map((r, i) => ({
          subject_id: r.subject_id, session_idx: r.session_idx,
          image: deferred.blob(py.array('int16', [2, 2], [i, -i, 2 * i, 3])),
          note: deferred.attach(`note${i % 3}.txt`, new TextEncoder().encode(`note ${i % 3}\n`)),
          source: i % 4 === 0 ? null : deferred.filepath(`raw/${r.subject_id}/s${r.session_idx}.dat`, new Uint8Array([i & 255, 1, 2, 3]), '2024-03-01 00:00:00'),
        })),
      },
      {
        kind: 'table',
        def: { schema: acq, name: '_scan__frame', key: [fk(acq, '_scan'), attr('frame', 'int32')], body: [attr('value', 'float64')] },
        rows: sessionRows.flatMap((r, i) => [0, 1, 2].map((f) => ({ subject_id: r.subject_id, session_idx: r.session_idx, frame: f, value: i + f / 3 }))),
      },
    ],
  };
}

export interface Fixture {
  schemas: string[];
  stores: Record<string, unknown>;
  seeded: SeedResult;
}

export async function seedFixture(db: Database, prefix: string, storeRoot: string, subjects?: number): Promise<Fixture> {
  const plan = fixturePlan(prefix, subjects);
  const seeded = await seedPipeline(db, plan, { storeRoot });
  const stores = {
    default: 'main', filepath_default: 'files',
    main: { protocol: 'file', location: path.join(storeRoot, 'main') },
    files: { protocol: 'file', location: path.join(storeRoot, 'files') },
  };
  return { schemas: plan.schemas, stores, seeded };
}
