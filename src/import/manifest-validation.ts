/**
 * Manifest validation for the importer: snapshot/validate.ts `validateManifest`, the one
 * validator of the project. Should that validator fail to compile the JSON Schemas themselves
 * (Ajv's strict mode rejects some valid draft 2020-12 constructs, e.g. `required` inside
 * `not`), the same schema files are compiled once more with strict mode off, so an import is
 * never blocked by a schema-authoring lint while every instance is still checked against the
 * binding documents.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { validateManifest, type ManifestKind } from '../snapshot/validate.js';

const FILES: Record<ManifestKind, string> = {
  pipeline: 'pipeline.schema.json',
  schema: 'schema.schema.json',
  object: 'object.schema.json',
};

let lenient: Record<ManifestKind, ValidateFunction> | null = null;

function lenientValidators(): Record<ManifestKind, ValidateFunction> {
  if (lenient) return lenient;
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dir = ['../../formats/schemas', '../../../formats/schemas'].map((up) => path.resolve(here, up))
    .find((d) => existsSync(path.join(d, FILES.pipeline)));
  if (!dir) throw new Error('formats/schemas not found next to the installed dj-snapshot');
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const compile = (kind: ManifestKind) => ajv.compile(JSON.parse(readFileSync(path.join(dir, FILES[kind]), 'utf8')) as object);
  lenient = { pipeline: compile('pipeline'), schema: compile('schema'), object: compile('object') };
  return lenient;
}

let strictBroken = false;

/** The problems found, as `<where>: <instancePath> <message>` lines; empty when valid. */
export function checkManifest(kind: ManifestKind, value: unknown, where: string): string[] {
  if (!strictBroken) {
    try {
      return validateManifest(kind, value, where);
    } catch {
      strictBroken = true;
    }
  }
  const validate = lenientValidators()[kind];
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
}
