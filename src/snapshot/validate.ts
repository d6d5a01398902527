/**
 * Validation of manifests against the JSON Schemas in formats/schemas (the binding spec), so
 * the code can never drift from the documents an outside reader implements.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

export type ManifestKind = 'pipeline' | 'schema' | 'object';

function schemasDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  // src/snapshot in development, dist/src/snapshot when built
  for (const up of ['../../formats/schemas', '../../../formats/schemas']) {
    const dir = path.resolve(here, up);
    if (existsSync(path.join(dir, 'pipeline.schema.json'))) return dir;
  }
  throw new Error('formats/schemas not found next to the installed dj-snapshot');
}

let validators: Record<ManifestKind, ValidateFunction> | null = null;

function load(): Record<ManifestKind, ValidateFunction> {
  if (validators) return validators;
  // strictRequired off: the object schema's oneOf names properties defined one level up.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  const dir = schemasDir();
  const compile = (file: string) => ajv.compile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as object);
  validators = {
    pipeline: compile('pipeline.schema.json'),
    schema: compile('schema.schema.json'),
    object: compile('object.schema.json'),
  };
  return validators;
}

/** The problems found, as `<where>: <instancePath> <message>` lines; empty when valid. */
export function validateManifest(kind: ManifestKind, value: unknown, where: string): string[] {
  const validate = load()[kind];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
