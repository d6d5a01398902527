/**
 * The README.md inside a snapshot: what is in it and how to read it without DataJoint. Built
 * from the manifests only, so it is as deterministic as they are.
 */
import type { PipelineManifest, SchemaManifest } from './manifest.js';

export function snapshotReadme(pipeline: PipelineManifest, schemas: SchemaManifest[]): string {
  const lines: string[] = [
    '# DataJoint pipeline snapshot',
    '',
    `A dj-snapshot format ${pipeline.formatVersion} snapshot of ${schemas.length} DataJoint schema${schemas.length === 1 ? '' : 's'} from a ${pipeline.family === 'mysql' ? 'MariaDB/MySQL' : 'PostgreSQL'} database.`,
    'Every table is a Parquet file under `schemas/<schema>/tables/`; store objects are under `objects/<store>/`;',
    '`dj-snapshot.json` and `schemas/<schema>/schema.json` describe everything (format spec: `formats/` of dj-snapshot).',
    'When and from where it was exported is recorded in the commit message.',
    '',
    `Pipeline content hash: \`${pipeline.hash}\``,
    '',
    '## Reading it',
    '',
    '```python',
    'import pandas as pd',
    `df = pd.read_parquet("${schemas[0]?.tables[0]?.files[0]?.path ?? 'schemas/<schema>/tables/<table>.parquet'}")`,
    '```',
    '',
    '```sql',
    `-- DuckDB`,
    `SELECT * FROM '${schemas[0]?.tables[0]?.files[0]?.path ?? 'schemas/<schema>/tables/<table>.parquet'}';`,
    '```',
    '',
    'To rebuild a database that DataJoint works on: `dj-import <this repository> --db <url>`.',
    '',
    '## Contents',
    '',
  ];
  for (const s of schemas) {
    lines.push(`### ${s.name}`, '', '| table | tier | rows |', '|---|---|---|');
    for (const t of s.tables) lines.push(`| \`${t.name}\` | ${t.tier} | ${t.rows} |`);
    lines.push('');
  }
  lines.push(`Objects: ${pipeline.objects.count} files, ${pipeline.objects.bytes} bytes${pipeline.objects.missing ? `, ${pipeline.objects.missing} missing` : ''}.`, '');
  return lines.join('\n');
}
