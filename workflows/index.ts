// The workflow bundle's entry: every workflow type the worker registers.
export { inspectionWorkflow } from './inspection.workflow.js';
export { roundWorkflow } from './round.workflow.js';
