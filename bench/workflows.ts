// The bench's one workflow bundle: xuncha's workflows and the raw baseline's, so that
// both of the bench's workers load the same code, bundled once.
export * from '../workflows/index.js';
export { baselineWorkflow } from './baseline.workflow.js';
