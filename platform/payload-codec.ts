/**
 * Temporal is a trust boundary: whoever reaches its frontend can read every payload
 * and send any Update or Signal. Every payload the API and the workers exchange
 * through it is therefore sealed with AES-256-GCM under a key only they hold, which
 * keeps names, comments and reasons unreadable in Temporal, and authenticates what the
 * workflows receive (see `workflows/api-assertion.ts`).
 *
 * Keys are `id:base64` (32 bytes), the first one sealing, every one opening: to rotate,
 * put a new key first and keep the old ones for as long as histories sealed with them
 * may be replayed.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { UNAUTHENTICATED } from '../workflows/api-assertion.js';

// A CommonJS module: Node's ESM loader sees only its default export.
const { temporal } = proto;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PayloadKey {
  id: string;
  key: Buffer;
}
/** The sealing key first, then older ones still accepted for opening. */
export type PayloadKeys = readonly [PayloadKey, ...PayloadKey[]];

/** Parses `id:base64` entries separated by commas or line breaks; throws naming what is wrong. */
export function parsePayloadKeys(text: string): PayloadKeys {
  const entries = text
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter((e) => e && !e.startsWith('#'));
  const keys = entries.map((entry) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) throw new Error('each key is id:base64, the id 1-64 of A-Z a-z 0-9 . _ -');
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== 32) throw new Error(`key ${id} must be 32 bytes in base64 (AES-256)`);
    return { id, key };
  });
  if (entries.length === 0) throw new Error('no key given');
  if (new Set(keys.map((k) => k.id)).size !== keys.length) throw new Error('key ids must differ');
  return keys as unknown as PayloadKeys;
}

/** A fresh key in the settings' format. */
export function generatePayloadKey(id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}`): string {
  return `${id}:${randomBytes(32).toString('base64')}`;
}

/** `npm start`'s keys when no setting names them: made once in the data folder, kept across restarts. */
export function devPayloadKeys(path: string): PayloadKeys {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${generatePayloadKey()}\n`, { mode: 0o600 });
  }
  return parsePayloadKeys(readFileSync(path, 'utf8'));
}

/** The keys from `PAYLOAD_KEYS`, else from the file `PAYLOAD_KEYS_FILE` names. */
export function payloadKeysFromSettings(settings: { PAYLOAD_KEYS?: string; PAYLOAD_KEYS_FILE?: string }): PayloadKeys | undefined {
  if (settings.PAYLOAD_KEYS) return parsePayloadKeys(settings.PAYLOAD_KEYS);
  if (settings.PAYLOAD_KEYS_FILE) return parsePayloadKeys(readFileSync(settings.PAYLOAD_KEYS_FILE, 'utf8'));
  return undefined;
}

/**
 * Seals each payload whole (metadata and data) and opens what was sealed under a known
 * key. Anything else decodes to `{ [UNAUTHENTICATED]: reason }` rather than failing:
 * a decoding error would fail the workflow task again on every retry and stall the
 * inspection behind a request nobody legitimate sent, while the mark lets the
 * workflow's validators refuse that request and go on.
 */
export class AesGcmPayloadCodec implements PayloadCodec {
  private readonly byId: Map<string, Buffer>;

  constructor(private readonly keys: PayloadKeys) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const { id, key } = this.keys[0];
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      // The key id is authenticated too: a sealed payload cannot be relabelled.
      cipher.setAAD(Buffer.from(id));
      const plain = temporal.api.common.v1.Payload.encode(payload).finish();
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => this.open(payload));
  }

  private open(payload: Payload): Payload {
    const text = (bytes: Uint8Array | null | undefined) => (bytes ? Buffer.from(bytes).toString('utf8') : '');
    if (text(payload.metadata?.encoding) !== ENCRYPTED_ENCODING) return unauthenticated('not encrypted');
    const id = text(payload.metadata?.[KEY_ID_METADATA]);
    const key = this.byId.get(id);
    const data = Buffer.from(payload.data ?? []);
    if (!key) return unauthenticated('unknown key');
    if (data.length < IV_BYTES + TAG_BYTES) return unauthenticated('truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return temporal.api.common.v1.Payload.decode(plain);
    } catch {
      return unauthenticated('not sealed with this key');
    }
  }
}

function unauthenticated(reason: string): Payload {
  return temporal.api.common.v1.Payload.create({
    metadata: { encoding: Buffer.from('json/plain') },
    data: Buffer.from(JSON.stringify({ [UNAUTHENTICATED]: reason })),
  });
}

/**
 * The data converter of every Temporal client and worker of xuncha, and of anything
 * that reads or replays their histories (`npm run replay`, the history checks).
 */
export function dataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)], failureConverterPath: FAILURE_CONVERTER_PATH };
}

/**
 * The failure converter that moves failure messages and stack traces into a payload, so
 * the codec seals them too. Workers must also bundle their workflow code with it: a
 * refusal is turned into a failure inside the workflow sandbox.
 */
export const FAILURE_CONVERTER_PATH = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** Payload fields the SDK never passes through codecs. */
const UNCODED_FIELDS = new Set(['header', 'searchAttributes']);

function isPayload(value: object): value is Payload {
  const { metadata, data } = value as Payload;
  return data instanceof Uint8Array && typeof metadata === 'object' && metadata !== null && 'encoding' in metadata;
}

/**
 * A workflow history (as `fetchHistory()` gives it) with every payload opened by
 * `codecs` (a client's: `client.options.loadedDataConverter.payloadCodecs`) as the
 * workers saw it, a forged one becoming the mark as it did for them. Served to
 * auditors, and replayable without the keys.
 */
export async function decodeHistory<H extends object>(history: H, codecs: readonly PayloadCodec[]): Promise<H> {
  const codec = {
    decode: async (payloads: Payload[]) => {
      for (const c of [...codecs].reverse()) payloads = await c.decode(payloads);
      return payloads;
    },
  };
  const walk = async (value: unknown): Promise<void> => {
    if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return;
    const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [field, child] of entries) {
      if (typeof child !== 'object' || child === null || UNCODED_FIELDS.has(String(field))) continue;
      if (isPayload(child)) {
        const [opened] = await codec.decode([child]);
        (value as Record<string | number, unknown>)[field] = opened;
      } else {
        await walk(child);
      }
    }
  };
  await walk(history);
  return history;
}
