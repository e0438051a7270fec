// Resolves (building if needed) the temporal CLI and prints its path: used by .ci/run.
import { resolveTemporalCli } from '../platform/temporal-cli.js';

const source = await resolveTemporalCli();
if (source.kind !== 'path') {
  process.stderr.write('xuncha: no temporal CLI could be found or built here\n');
  process.exit(1);
}
process.stdout.write(`${source.path}\n`);
