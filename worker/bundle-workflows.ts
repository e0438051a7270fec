// Writes the workflow bundle for the file named on the command line to stdout.
// `bundleWorkflowsApart` runs it as a child process, so webpack's memory is not kept
// by the process that serves.
import { bundleWorkflows } from './create-worker.js';

const [workflowsPath] = process.argv.slice(2);
if (!workflowsPath) {
  process.stderr.write('usage: tsx worker/bundle-workflows.ts <workflows entry file>\n');
  process.exit(2);
}
const { code } = (await bundleWorkflows(workflowsPath)) as { code: string };
process.stdout.write(code);
