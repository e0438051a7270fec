// Makes the Ed25519 key file that signs checkpoints (SIGNING_KEY_FILE), or rotates it:
//   npm run signing-key -- <file>            make one (refuses to overwrite)
//   npm run signing-key -- <file> --rotate   a new current key; earlier public keys kept
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { devSigningKeys, rotateSigningKey } from '../platform/signing-key.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file || args.includes('--help')) {
  process.stderr.write('usage: npm run signing-key -- <file> [--rotate]\n');
  process.exit(file ? 0 : 1);
}
const path = resolve(file);
const rotate = args.includes('--rotate');
if (existsSync(path) && !rotate) {
  process.stderr.write(`xuncha: ${path} exists; --rotate adds a new key and keeps the old public keys\n`);
  process.exit(1);
}
const keys = rotate ? rotateSigningKey(path) : devSigningKeys(path);
process.stdout.write(`${path}: signing with ${keys.signer?.id}; ${keys.publicKeys.length} public key(s) published\n`);
