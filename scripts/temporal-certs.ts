// `npm run temporal:certs -- <dir> [server-name]`: a certificate authority and the two
// certificates the closed Temporal topology needs (platform/temporal-tls.ts), for
// docker-compose.yml or any deployment without a PKI of its own. Kept while valid.
import { resolve } from 'node:path';
import { clientTlsEnv, makeTemporalCertificates, serverTlsEnv, TEMPORAL_TLS_SERVER_NAME } from '../platform/temporal-tls.js';

const [dir, serverName = TEMPORAL_TLS_SERVER_NAME] = process.argv.slice(2);
if (!dir || dir.startsWith('-')) {
  process.stderr.write('usage: npm run temporal:certs -- <dir> [server-name (default temporal)]\n');
  process.exit(2);
}
if (!/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/i.test(serverName)) {
  process.stderr.write(`temporal:certs: ${JSON.stringify(serverName)} is not a DNS name\n`);
  process.exit(2);
}
try {
  const certificates = makeTemporalCertificates(resolve(dir), serverName);
  const lines = (env: Record<string, string>) => Object.entries(env).map(([k, v]) => `  ${k}=${v}`).join('\n');
  process.stdout.write(`certificates in ${certificates.dir} (ca.key signs them: keep it offline once issued)\n`);
  process.stdout.write(`the Temporal server (config/temporal/postgres.yaml):\n${lines(serverTlsEnv(certificates))}\n`);
  process.stdout.write(`the API, the workers and the temporal CLI:\n${lines(clientTlsEnv(certificates))}\n`);
} catch (error) {
  process.stderr.write(`temporal:certs: ${(error as Error).message}\n`);
  process.exit(1);
}
