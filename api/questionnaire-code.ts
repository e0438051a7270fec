/**
 * One-time questionnaire codes: what they look like on the slip the target hands out,
 * how what someone typed is read back, and the hash that is all the database keeps.
 */
import { createHash, randomBytes } from 'node:crypto';

// Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 20; // 100 bits: guessing one is hopeless even without the rate limit
const GROUP = 4;

/** A fresh code, grouped for reading: `XXXX-XXXX-XXXX-XXXX-XXXX`. */
export function newCode(): string {
  // 256 is a multiple of 32, so taking each byte modulo 32 keeps every symbol equally likely.
  const symbols = [...randomBytes(LENGTH)].map((byte) => ALPHABET[byte % ALPHABET.length]).join('');
  return symbols.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** What someone typed, as the code it stands for (case, dashes, spaces and look-alike letters forgiven), or undefined. */
export function normalizeCode(typed: string): string | undefined {
  const code = typed
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

/** The only trace of a code the database holds. */
export function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('hex');
}

/** The day in China Standard Time, where rounds run: all an answer keeps of when it came. */
export function chinaDay(at: Date): string {
  return new Date(at.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}
