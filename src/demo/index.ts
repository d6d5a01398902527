/**
 * DataJoint-faithful pipelines for demos and tests: a small re-enactment of DataJoint 2.3.2's
 * declaration (both SQL families), the stored forms of its values and object-store files, and
 * the demo pipeline behind `npm run demo`.
 */
export { seedDemo, demoDefinitions, DEMO_STORE, type DemoOptions, type DemoResult, type DemoStores } from './pipeline.js';
export {
  Declarer, tierOf, type DeclaredColumn, type DeclaredForeignKey, type DeclaredIndex, type DeclaredTier, type LineageRow,
  type TableDeclaration,
} from './declare.js';
export { attr, fk, index, type AttributeLine, type BodyLine, type ForeignKeyLine, type IndexLine, type KeyLine, type TableDef } from './definition.js';
export { classifyType, pgEnumTypeName, type AttributeType, type CodecType, type CoreType, type NativeType } from './datajoint-types.js';
export { insertRows, runDeclaration, storedValue, type Row, type RowValue } from './insert.js';
export { seedPipeline, deferred, type Deferred, type PlainTable, type SeedPlan, type SeedResult, type SeedRow, type SeedStep, type SeededTable } from './seed.js';
export { attachBytes, packBlob, py, type ArrayDtype, type PyValue } from './blob-bytes.js';
export { pythonJsonDumps, type JsonValue } from './python-json.js';
export {
  contentHash, encodePkValue, npyBytes, putFilepath, putHashObject, putNpy, putSchemaFile, putSchemaFolder, schemaObjectPath,
  type FilepathMetadata, type HashMetadata, type NpyMetadata, type ObjectMetadata,
} from './store-objects.js';
export { DeclarationError, FixtureValueError, SeedTargetError } from './errors.js';
