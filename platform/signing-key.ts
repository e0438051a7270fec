/**
 * The Ed25519 keys that sign checkpoints. One JSON file (`SIGNING_KEY_FILE`) holds the
 * current key, with its private half, first, and every earlier key's public half after
 * it: a rotation adds a key in front and keeps the old public keys, so checkpoints
 * signed before it still verify. The database never holds a private key, so whoever
 * can write to the database cannot sign.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const keyFile = z.object({
  keys: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        createdAt: z.string(),
        publicKey: z.string().min(1),
        privateKey: z.string().min(1).optional(),
      }),
    )
    .min(1),
});
type KeyFile = z.infer<typeof keyFile>;

export interface PublicSigningKey {
  id: string;
  createdAt: string;
  /** SPKI, PEM. */
  publicKey: string;
  current: boolean;
}

export interface SigningKeys {
  /** The key that signs now; absent when the file holds only public keys (a verifier). */
  signer: { id: string; key: KeyObject } | null;
  publicKeys: PublicSigningKey[];
}

export function parseSigningKeys(text: string, source: string): SigningKeys {
  let parsed: KeyFile;
  try {
    parsed = keyFile.parse(JSON.parse(text));
  } catch (error) {
    throw new Error(`${source} is not a signing key file: ${(error as Error).message}`, { cause: error });
  }
  const first = parsed.keys[0]!;
  return {
    signer: first.privateKey ? { id: first.id, key: createPrivateKey(first.privateKey) } : null,
    publicKeys: parsed.keys.map((k, i) => ({
      id: k.id,
      createdAt: k.createdAt,
      publicKey: createPublicKey(k.publicKey).export({ type: 'spki', format: 'pem' }).toString(),
      current: i === 0,
    })),
  };
}

export function loadSigningKeys(path: string): SigningKeys {
  return parseSigningKeys(readFileSync(path, 'utf8'), path);
}

/** `npm start`'s key: made once in the data folder, like its JWT secret. */
export function devSigningKeys(path: string): SigningKeys {
  if (!existsSync(path)) writeKeyFile(path, { keys: [newKey()] });
  return loadSigningKeys(path);
}

/** A new signing key in front; earlier keys stay, public half only. */
export function rotateSigningKey(path: string): SigningKeys {
  const current = existsSync(path) ? keyFile.parse(JSON.parse(readFileSync(path, 'utf8'))) : { keys: [] };
  writeKeyFile(path, { keys: [newKey(), ...current.keys.map(({ privateKey: _dropped, ...rest }) => rest)] });
  return loadSigningKeys(path);
}

/** Keys for one process's life (tests): nothing written to disk. */
export function ephemeralSigningKeys(): SigningKeys {
  return parseSigningKeys(JSON.stringify({ keys: [newKey()] }), 'memory');
}

export function signPayload(signer: NonNullable<SigningKeys['signer']>, payload: string): string {
  return sign(null, Buffer.from(payload, 'utf8'), signer.key).toString('base64');
}

/** null when the signature holds; else why not. */
export function checkSignature(keys: Pick<SigningKeys, 'publicKeys'>, keyId: string, payload: string, signature: string): string | null {
  const known = keys.publicKeys.find((k) => k.id === keyId);
  if (!known) return `signed with key ${keyId}, which is not among the published signing keys`;
  const ok = verify(null, Buffer.from(payload, 'utf8'), createPublicKey(known.publicKey), Buffer.from(signature, 'base64'));
  return ok ? null : `its signature (key ${keyId}) does not match what it signs`;
}

function newKey(): KeyFile['keys'][number] {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const createdAt = new Date().toISOString();
  return {
    // The date makes rotations readable; the public key's tail makes ids unique.
    id: `${createdAt.slice(0, 10)}-${publicKey.export({ type: 'spki', format: 'der' }).subarray(-6).toString('hex')}`,
    createdAt,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

function writeKeyFile(path: string, content: KeyFile): void {
  mkdirSync(dirname(path), { recursive: true });
  // Written aside and renamed, so a reader never sees half a file.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
