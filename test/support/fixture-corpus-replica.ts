/**
 * DataJoint's own test tables (datajoint-python v2.3.2 `tests/schema*.py`), written as data
 * for the demo declarer, so that what it declares can be compared with what real DataJoint
 * declared for the same definitions in the reference corpora
 * (`datajoint-harness/corpus/*-dj2/dump.sql.gz`, schemas `dj_<name>`). Each table keeps the
 * definition's exact types, defaults and comments; the comment above it quotes the class.
 */
import { attr, fk, index, type TableDef } from '../../src/demo/definition.js';

/** Corpus schema names (without the `dj_` prefix) covered here. */
export const REPLICA_SCHEMAS = ['advanced', 'test1', 'extern', 'object', 'type_aliases', 'uuid'] as const;

export function corpusReplicaDefs(prefix: string): TableDef[] {
  const adv = `${prefix}advanced`;
  const t1 = `${prefix}test1`;
  const ext = `${prefix}extern`;
  const obj = `${prefix}object`;
  const ta = `${prefix}type_aliases`;
  const uu = `${prefix}uuid`;
  const cellKey = (proj: Record<string, string>) => fk(adv, 'cell', { proj });
  return [
    // schema_advanced.py
    { schema: adv, name: 'person', key: [attr('person_id', 'int')], body: [attr('full_name', 'varchar(60)'), attr('sex', "enum('M','F')")] },
    {
      schema: adv, name: 'parent', key: [fk(adv, 'person'), attr('parent_sex', "enum('M','F')")],
      body: [fk(adv, 'person', { proj: { parent: 'person_id' } })],
    },
    { schema: adv, name: 'subject', key: [attr('subject', 'int')], body: [fk(adv, 'person', { unique: true, nullable: true })] },
    { schema: adv, name: 'prep', key: [attr('prep', 'int')] },
    { schema: adv, name: 'slice', key: [fk(adv, 'prep'), attr('slice', 'int')] },
    { schema: adv, name: 'cell', key: [fk(adv, 'slice'), attr('cell', 'int')] },
    { schema: adv, name: 'input_cell', comment: 'a synapse within the slice', key: [fk(adv, 'cell'), cellKey({ input: 'cell' })] },
    {
      schema: adv, name: 'local_synapse', comment: 'a synapse within the slice',
      key: [cellKey({ presynaptic: 'cell' }), cellKey({ postsynaptic: 'cell' })],
    },
    {
      schema: adv, name: 'global_synapse', comment: 'a synapse within the slice',
      key: [cellKey({ pre_slice: 'slice', pre_cell: 'cell' }), cellKey({ post_slice: 'slice', post_cell: 'cell' })],
    },

    // schema.py
    { schema: t1, name: '#t_test', key: [attr('key', 'int32', { comment: 'key' })], body: [attr('value', 'int32', { comment: 'value' })] },
    { schema: t1, name: 't_test2', key: [attr('key', 'int32', { comment: 'key' })], body: [attr('value', 'int32', { comment: 'value' })] },
    { schema: t1, name: 't_test3', key: [attr('key', 'int32')], body: [attr('value', 'varchar(300)')] },
    {
      schema: t1, name: 'nullable_numbers', key: [attr('key', 'int32')],
      body: [attr('fvalue', 'float32', { default: 'null' }), attr('dvalue', 'float64', { default: 'null' }), attr('ivalue', 'int32', { default: 'null' })],
    },
    {
      schema: t1, name: 't_test_extra', key: [attr('key', 'int32', { comment: 'key' })],
      body: [attr('value', 'int32', { comment: 'value' }), attr('extra', 'int32', { comment: 'extra int' })],
    },
    { schema: t1, name: 't_test_no_extra', key: [attr('key', 'int32', { comment: 'key' })], body: [attr('value', 'int32', { comment: 'value' })] },
    { schema: t1, name: '#auto', key: [attr('id', 'int16')], body: [attr('name', 'varchar(12)')] },
    { schema: t1, name: '#user', comment: 'lab members', key: [attr('username', 'varchar(12)')] },
    {
      schema: t1, name: '#subject', comment: 'Basic information about animal subjects used in experiments',
      key: [attr('subject_id', 'int32', { comment: 'unique subject id' })],
      body: [
        attr('real_id', 'varchar(40)', { comment: 'real-world name. Omit if the same as subject_id' }),
        attr('species', "enum('mouse', 'monkey', 'human')", { default: '"mouse"' }),
        attr('date_of_birth', 'date'),
        attr('subject_notes', 'varchar(4000)'),
        index(['real_id', 'species'], { unique: true }),
      ],
    },
    {
      schema: t1, name: '#language', comment: 'languages spoken by some of the developers',
      key: [attr('name', 'varchar(40)', { comment: 'name of the developer' }), attr('language', 'varchar(40)', { comment: 'language' })],
    },
    {
      schema: t1, name: '_experiment', comment: 'information about experiments',
      key: [fk(t1, '#subject'), attr('experiment_id', 'int16', { comment: 'experiment number for this subject' })],
      body: [
        attr('experiment_date', 'date', { comment: 'date when experiment was started' }),
        fk(t1, '#user', { nullable: true }),
        attr('data_path', 'varchar(255)', { default: '""', comment: 'file path to recorded data' }),
        attr('notes', 'varchar(2048)', { default: '""', comment: 'e.g. purpose of experiment' }),
        attr('entry_time', 'datetime', { default: 'CURRENT_TIMESTAMP', comment: 'automatic timestamp' }),
      ],
    },
    {
      schema: t1, name: '_trial', comment: 'a trial within an experiment',
      key: [fk(t1, '_experiment', { proj: { animal: 'subject_id' } }), attr('trial_id', 'int16', { comment: 'trial number' })],
      body: [attr('start_time', 'float64', { comment: '(s)' })],
    },
    {
      schema: t1, name: '_trial__condition', comment: 'trial conditions',
      key: [fk(t1, '_trial'), attr('cond_idx', 'int16', { comment: 'condition number' })],
      body: [attr('orientation', 'float32', { comment: 'degrees' })],
    },
    {
      schema: t1, name: '_ephys', comment: 'some kind of electrophysiological recording', key: [fk(t1, '_trial')],
      body: [attr('sampling_frequency', 'float64', { comment: '(Hz)' }), attr('duration', 'decimal(7,3)', { comment: '(s)' })],
    },
    {
      schema: t1, name: '_ephys__channel', comment: 'subtable containing individual channels',
      key: [fk(t1, '_ephys'), attr('channel', 'int16', { comment: 'channel number within Ephys' })],
      body: [attr('voltage', '<blob>'), attr('current', '<blob>', { default: 'null', comment: 'optional current to test null handling' })],
    },
    {
      schema: t1, name: 'image', comment: 'table for testing blob inserts',
      key: [attr('id', 'int32', { comment: 'image identifier' })], body: [attr('img', '<blob>', { comment: 'image' })],
    },
    { schema: t1, name: '#uber_trash', key: [attr('id', 'int32')] },
    { schema: t1, name: '#unter_trash', key: [fk(t1, '#uber_trash'), attr('my_id', 'int32')] },
    { schema: t1, name: '#simple_source', key: [attr('id', 'int32', { comment: 'id' })] },
    { schema: t1, name: '__sig_int_table', key: [fk(t1, '#simple_source')] },
    { schema: t1, name: '__sig_term_table', key: [fk(t1, '#simple_source')] },
    { schema: t1, name: '#dj_exception_name', key: [attr('dj_exception_name', 'char(64)')] },
    { schema: t1, name: '__error_class', key: [fk(t1, '#dj_exception_name')] },
    { schema: t1, name: '#decimal_primary_key', key: [attr('id', 'decimal(4,3)')] },
    {
      schema: t1, name: 'index_rich', key: [fk(t1, '#subject')],
      body: [
        fk(t1, '#user', { unique: true, nullable: true, proj: { first: 'username' } }),
        attr('first_date', 'date'), attr('value', 'int32'), index(['first_date', 'value']),
      ],
    },
    { schema: t1, name: 'thing_a', key: [attr('a', 'int32')] },
    { schema: t1, name: 'thing_b', key: [attr('b1', 'int32'), attr('b2', 'int32')], body: [attr('b3', 'int32')] },
    { schema: t1, name: 'thing_c', key: [fk(t1, 'thing_a')], body: [fk(t1, 'thing_b', { unique: true, nullable: true })] },
    { schema: t1, name: 'thing_d', key: [attr('d', 'int32')], body: [fk(t1, 'thing_c')] },
    { schema: t1, name: 'thing_e', key: [fk(t1, 'thing_d')] },
    { schema: t1, name: '#parent', key: [attr('parent_id', 'int32')], body: [attr('name', 'varchar(30)')] },
    { schema: t1, name: '#child', key: [fk(t1, '#parent'), attr('child_id', 'int32')], body: [attr('name', 'varchar(30)')] },
    { schema: t1, name: '#complex_parent', key: Array.from({ length: 8 }, (_, i) => attr(`parent_id_${i + 1}`, 'int32')) },
    { schema: t1, name: '#complex_child', key: [fk(t1, '#complex_parent'), attr('child_id_1', 'int32')] },
    {
      schema: t1, name: '#subject_a', key: [attr('subject_id', 'varchar(32)')],
      body: [attr('dob', 'date'), attr('sex', "enum('M', 'F', 'U')")],
    },
    {
      schema: t1, name: '#session_a', key: [fk(t1, '#subject_a'), attr('session_start_time', 'datetime')],
      body: [attr('session_dir', 'varchar(32)', { default: "''" })],
    },
    {
      schema: t1, name: '#session_status_a', key: [fk(t1, '#session_a')],
      body: [attr('status', "enum('in_training', 'trained_1a', 'trained_1b', 'ready4ephys')")],
    },
    { schema: t1, name: '#session_date_a', key: [fk(t1, '#subject_a'), attr('session_date', 'date')] },
    {
      schema: t1, name: '#stimulus', key: [attr('id', 'int32')],
      body: [attr('contrast', 'int32'), attr('brightness', 'int32')],
    },
    { schema: t1, name: 'longblob', key: [attr('id', 'int32')], body: [attr('data', '<blob>')] },

    // schema_external.py (stores local, share, repo, repo-s3)
    { schema: ext, name: 'simple', key: [attr('simple', 'int')], body: [attr('item', '<blob@local>')] },
    { schema: ext, name: 'simple_remote', key: [attr('simple', 'int')], body: [attr('item', '<blob@share>')] },
    { schema: ext, name: '#seed', key: [attr('seed', 'int')] },
    { schema: ext, name: '#dimension', key: [attr('dim', 'int')], body: [attr('dimensions', '<blob>')] },
    {
      schema: ext, name: '__image', comment: 'table for storing', key: [fk(ext, '#seed'), fk(ext, '#dimension')],
      body: [
        attr('img', '<blob@share>', { comment: "objects are stored as specified by dj.config['stores']['share']" }),
        attr('neg', '<blob@local>', { comment: "objects are stored as specified by dj.config['stores']['local']" }),
      ],
    },
    {
      schema: ext, name: 'attach', comment: 'table for storing attachments', key: [attr('attach', 'int')],
      body: [
        attr('img', '<attach@share>', { comment: "attachments are stored as specified by: dj.config['stores']['share']" }),
        attr('txt', '<attach>', { comment: 'attachments are stored directly in the database' }),
      ],
    },
    {
      schema: ext, name: 'filepath', comment: 'table for file management', key: [attr('fnum', 'int', { comment: 'test comment containing :' })],
      body: [attr('img', '<filepath@repo>', { comment: 'managed files' })],
    },
    {
      schema: ext, name: 'filepath_s3', comment: 'table for file management', key: [attr('fnum', 'int')],
      body: [attr('img', '<filepath@repo-s3>', { comment: 'managed files' })],
    },

    // schema_object.py
    { schema: obj, name: 'object_file', key: [attr('file_id', 'int')], body: [attr('data_file', '<object@local>', { comment: 'stored file' })] },
    { schema: obj, name: 'object_folder', key: [attr('folder_id', 'int')], body: [attr('data_folder', '<object@local>', { comment: 'stored folder' })] },
    {
      schema: obj, name: 'object_multiple', key: [attr('record_id', 'int')],
      body: [attr('raw_data', '<object@local>', { comment: 'raw data file' }), attr('processed', '<object@local>', { comment: 'processed data file' })],
    },
    {
      schema: obj, name: 'object_with_other', key: [attr('subject_id', 'int'), attr('session_id', 'int')],
      body: [attr('name', 'varchar(100)'), attr('data_file', '<object@local>'), attr('notes', 'varchar(255)')],
    },

    // schema_type_aliases.py
    {
      schema: ta, name: 'type_alias_table', comment: 'Table with all numeric type aliases', key: [attr('id', 'int')],
      body: [
        attr('val_float32', 'float32', { comment: '32-bit float' }), attr('val_float64', 'float64', { comment: '64-bit float' }),
        attr('val_int64', 'int64', { comment: '64-bit signed integer' }), attr('val_int32', 'int32', { comment: '32-bit signed integer' }),
        attr('val_int16', 'int16', { comment: '16-bit signed integer' }), attr('val_int8', 'int8', { comment: '8-bit signed integer' }),
        attr('val_bool', 'bool', { comment: 'boolean value' }),
      ],
    },
    {
      schema: ta, name: 'type_alias_primary_key', comment: 'Table with type alias in primary key',
      key: [attr('pk_int32', 'int32'), attr('pk_int16', 'int16')], body: [attr('value', 'varchar(100)')],
    },
    {
      schema: ta, name: 'type_alias_nullable', comment: 'Table with nullable type alias columns', key: [attr('id', 'int')],
      body: [attr('nullable_float32', 'float32', { default: 'null' }), attr('nullable_int64', 'int64', { default: 'null' })],
    },

    // schema_uuid.py
    { schema: uu, name: 'basic', key: [attr('item', 'uuid')], body: [attr('number', 'int')] },
    {
      schema: uu, name: '__basic_computed', comment: 'Computed table whose primary key is FK-derived from a uuid attribute',
      key: [fk(uu, 'basic')], body: [attr('value', 'int32')],
    },
    {
      schema: uu, name: 'topic', comment: 'A topic for items',
      key: [attr('topic_id', 'uuid', { comment: 'internal identification of a topic, reflects topic name' })],
      body: [attr('topic', 'varchar(8000)', { comment: 'full topic name used to generate the topic id' })],
    },
    {
      schema: uu, name: '__item', key: [attr('item_id', 'uuid', { comment: 'internal identification of' })],
      body: [fk(uu, 'topic'), attr('word', 'varchar(8000)')],
    },
  ];
}
