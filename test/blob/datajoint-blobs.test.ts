/**
 * 1500 random values (all item codes, every dtype and datetime64 unit, C and F order, structs,
 * cells, record arrays, nested containers, compressed blobs) packed by DataJoint 2.3.2's own
 * `blob.pack`, with the harness digest's canonical form of what DataJoint's `blob.unpack`
 * reads back. Made by fixtures/make_datajoint_blobs.py; nothing here comes from our code.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeBlob, encodeBlob } from '../../src/blob/index.js';
import { hex, toHex } from './bytes.js';
import { canon, pyJsonDumps } from './digest-canon.js';

const fixture = JSON.parse(gunzipSync(readFileSync(path.join(
  path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'datajoint-blobs.json.gz'))).toString('utf8')) as
  { generator: Record<string, string>; blobs: { blob: string; canon: string }[] };

describe(`blobs written by DataJoint ${fixture.generator.datajoint} (numpy ${fixture.generator.numpy})`, () => {
  it('re-encode byte for byte', () => {
    const differ = fixture.blobs.filter((b) => toHex(encodeBlob(decodeBlob(hex(b.blob)))) !== b.blob);
    expect(differ.map((b) => b.blob.slice(0, 60))).toEqual([]);
    expect(fixture.blobs.length).toBe(1500);
    expect(fixture.blobs.filter((b) => b.blob.startsWith('5a4c')).length).toBeGreaterThan(50);
  });

  it('decode to what DataJoint reads (compared through the harness digest canonical form)', () => {
    const differ = fixture.blobs.filter((b) => pyJsonDumps(canon(decodeBlob(hex(b.blob)))) !== b.canon);
    expect(differ.map((b) => b.blob.slice(0, 60))).toEqual([]);
  });
});
