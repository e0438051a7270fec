// `npm run token -- --sub <id> --name <name> --role <role> [--role <role>] [--expires 12h]`
// Mints a development token signed with JWT_SECRET (or the dev system's secret in DATA_DIR).
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { mintToken } from '../api/auth.js';
import { devJwtSecret } from '../platform/jwt-secret.js';
import { authSettings, databaseSettings, loadSettingsOrExit } from '../platform/settings.js';
import { ROLES } from '../workflows/roles.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', multiple: true },
    expires: { type: 'string', default: '12h' },
  },
});
const args = z
  .object({ sub: z.string().min(1), name: z.string().min(1), role: z.array(z.enum(ROLES)).min(1), expires: z.string() })
  .safeParse(values);
if (!args.success) {
  process.stderr.write(
    `usage: npm run token -- --sub <id> --name <name> --role <${ROLES.join('|')}> [--expires 12h]\n` +
      args.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}\n`).join(''),
  );
  process.exit(2);
}
const settings = loadSettingsOrExit(authSettings.extend(databaseSettings.shape));
// The same secret `npm start` signs with: JWT_SECRET, else the file it keeps in DATA_DIR.
const secretFile = join(resolve(settings.DATA_DIR), 'jwt-secret');
const secret = settings.JWT_SECRET ?? devJwtSecret(secretFile);
process.stderr.write(settings.JWT_SECRET ? 'signed with JWT_SECRET\n' : `signed with the secret in ${secretFile} (the one npm start uses with the same DATA_DIR)\n`);
const token = await mintToken(
  { secret, issuer: settings.JWT_ISSUER, audience: settings.JWT_AUDIENCE },
  { sub: args.data.sub, name: args.data.name, roles: args.data.role },
  { expiresIn: args.data.expires },
);
process.stdout.write(`${token}\n`);
