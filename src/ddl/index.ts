export { planDdl } from './plan.js';
export { DdlError, type DdlErrorCode } from './errors.js';
export type {
  DdlOptions, DdlPlan, LossyColumn, PlannedColumn, PlanDdl, TablePlan, ValueCondition,
} from './types.js';
