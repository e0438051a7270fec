/**
 * What an evidence file may be and be called: the name a person gave it, made safe to
 * store and to send back in a header, and the media type read from its bytes (the
 * client's claim is never trusted).
 */
import { fileTypeFromBuffer } from 'file-type';
import { ApiError, ERROR_CODES } from './errors.js';

const MAX_NAME_LENGTH = 200;

/**
 * C0/C1 controls, DEL, and the characters that reorder text (bidirectional overrides,
 * isolates and marks, the Arabic letter mark) or hide in it (zero-width): a name like
 * "invoice\u202Efdp.exe" must not read as something it is not.
 */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_NAMES = /[\u0000-\u001F\u007F-\u009F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/gu;

/**
 * The last path segment of what the client sent, without unsafe characters, leading
 * dots or surrounding space, at most 200 characters: never a path, never hidden,
 * never empty.
 */
export function sanitiseFileName(raw: string | undefined): string {
  const normalised = (raw ?? '').toWellFormed().normalize('NFC');
  const base = normalised.split(/[/\\]/).at(-1) ?? '';
  const cleaned = base.replace(UNSAFE_IN_NAMES, '').replace(/^[\s.]+/u, '').trim();
  const clipped = [...cleaned].slice(0, MAX_NAME_LENGTH).join('');
  return clipped || 'attachment';
}

/** `Content-Disposition` for a download: an ASCII fallback and the exact name in RFC 5987 form. */
export function contentDisposition(name: string): string {
  const fallback = name.replace(/[^\x20-\x7E]|["\\%;]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Formats evidence comes in: scans, photos, office documents, plain text, recordings of talks. */
const ALLOWED_SNIFFED = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/bmp',
  'image/tiff',
  'image/heic',
  'image/heif',
  'image/avif',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'audio/mpeg',
  'audio/mp4',
  'audio/x-m4a',
  'audio/aac',
  'audio/wav',
  'audio/amr',
  'audio/ogg',
  'audio/ogg; codecs=opus',
  'audio/flac',
  'audio/x-ms-asf',
]);

/**
 * Old Word and Excel files and WPS's own formats are all Compound File Binary
 * containers, which the bytes alone do not tell apart (an .msi installer is one too):
 * such a container is accepted only under one of these names.
 */
const COMPOUND_FILE_TYPES: Record<string, string> = {
  doc: 'application/msword',
  xls: 'application/vnd.ms-excel',
  wps: 'application/vnd.ms-works',
  et: 'application/vnd.ms-excel',
};

export const TEXT_PLAIN = 'text/plain';

/** How much of the head the text check reads: enough to tell, cheap on a large chunk. */
const TEXT_SNIFF_BYTES = 64 * 1024;

function looksLikeText(head: Uint8Array): boolean {
  if (head.length === 0) return false;
  let control = 0;
  for (const byte of head) {
    if (byte === 0) return false;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) control++;
  }
  // Text in GB 18030 or UTF-8 has no NUL and almost no controls; binary formats have both.
  return control <= head.length / 100;
}

const unsupported = (what: string, whatZh = `${what} 文件`) =>
  new ApiError(415, ERROR_CODES[415], { key: 'not_evidence', params: { detected: what, detectedZh: whatZh } }, { detected: what });

/** The media type the file's first bytes show, or a 415 naming what they show when it is not evidence. */
export async function sniffMediaType(head: Uint8Array, name: string): Promise<string> {
  const found = await fileTypeFromBuffer(head);
  if (!found) {
    if (looksLikeText(head.subarray(0, TEXT_SNIFF_BYTES))) return TEXT_PLAIN;
    throw unsupported('a file of unknown binary format', '未知二进制格式的文件');
  }
  if (ALLOWED_SNIFFED.has(found.mime)) return found.mime;
  if (found.mime === 'application/x-cfb') {
    const extension = name.includes('.') ? name.split('.').at(-1)!.toLowerCase() : '';
    const type = COMPOUND_FILE_TYPES[extension];
    if (type) return type;
    throw unsupported('a compound file (not named .doc, .xls, .wps or .et)', '复合文档（文件名不是 .doc、.xls、.wps 或 .et）');
  }
  throw unsupported(found.mime);
}
