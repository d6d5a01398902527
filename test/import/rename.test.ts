import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors/base.js';
import { renameLineage, renameMap } from '../../src/import/rename.js';

describe('renameMap', () => {
  const schemas = ['lab_subject', 'lab_session', 'lab_x_raw', 'other'];

  it('renames exactly, by prefix, and the longest prefix wins', () => {
    const map = renameMap(schemas, { rename: ['other=archive'], prefix: ['lab_=new_', 'lab_x_=xx_'] });
    expect([...map]).toEqual([
      ['lab_subject', 'new_subject'], ['lab_session', 'new_session'], ['lab_x_raw', 'xx_raw'], ['other', 'archive'],
    ]);
  });

  it('an exact rename wins over a prefix; identity renames are left out', () => {
    const map = renameMap(schemas, { rename: ['lab_session=sess', 'other=other'], prefix: ['lab_=n_'] });
    expect(map.get('lab_session')).toBe('sess');
    expect(map.get('lab_subject')).toBe('n_subject');
    expect(map.has('other')).toBe(false);
  });

  it('a prefix may be removed', () => {
    expect(renameMap(['dj_a', 'dj_b'], { prefix: ['dj_='] })).toEqual(new Map([['dj_a', 'a'], ['dj_b', 'b']]));
  });

  it('refuses names the snapshot does not have, malformed pairs and collisions', () => {
    expect(() => renameMap(schemas, { rename: ['nope=x'] })).toThrow(/no schema "nope"/);
    expect(() => renameMap(schemas, { prefix: ['zz_=y_'] })).toThrow(/no schema of the snapshot starts with "zz_"/);
    expect(() => renameMap(schemas, { rename: ['other'] })).toThrow(UsageError);
    expect(() => renameMap(schemas, { rename: ['=x'] })).toThrow(/OLD=NEW/);
    expect(() => renameMap(schemas, { rename: ['other=lab_subject'] })).toThrow(/same name "lab_subject"/);
    expect(() => renameMap(['a_x', 'b_x'], { prefix: ['a_=c_', 'b_=c_'] })).toThrow(/same name "c_x"/);
  });
});

describe('renameLineage', () => {
  const map = new Map([['lab', 'lab2'], ['raw', 'r']]);

  it('rewrites the schema part of schema.table.attribute only', () => {
    expect(renameLineage('lab.session.session_id', map)).toBe('lab2.session.session_id');
    expect(renameLineage('raw.~~scan.scan_id', map)).toBe('r.~~scan.scan_id');
    // A table or attribute that happens to equal a schema name stays.
    expect(renameLineage('other.lab.raw', map)).toBe('other.lab.raw');
    expect(renameLineage('labx.t.a', map)).toBe('labx.t.a');
    expect(renameLineage('nodots', map)).toBe('nodots');
  });
});
