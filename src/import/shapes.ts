/** Column shapes (values/kinds.ts) of manifest or catalog columns, as the exporter builds them for the hash. */
import type { Column } from '../catalog/model.js';
import type { ColumnShape } from '../values/kinds.js';

export function shapesOf(columns: readonly Column[]): ColumnShape[] {
  return columns.map((c) => {
    const shape: ColumnShape = { name: c.name, kind: c.kind, nullable: c.nullable, djType: c.djType, sqlType: c.sqlType };
    if (c.precision !== undefined) shape.precision = c.precision;
    if (c.scale !== undefined) shape.scale = c.scale;
    if (c.fsp !== undefined) shape.fsp = c.fsp;
    return shape;
  });
}
