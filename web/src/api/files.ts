import { currentSession, signOut } from '../auth/session';
import { ApiFailure, type ErrorBody } from './client';
import type { paths } from './schema';

// Files cross the API where openapi-fetch does not help: downloads need the bearer token a
// plain link cannot send, an upload wants its progress, an import sends a spreadsheet as the body.

export type AttachmentList = paths['/api/v1/inspections/{id}/records/{recordId}/attachments']['get']['responses'][200]['content']['application/json'];
export type Attachment = AttachmentList['attachments'][number];

function authorization(): Record<string, string> {
  const token = currentSession()?.token;
  return token ? { authorization: `Bearer ${token}` } : {};
}

function failureOf(status: number, text: string): ApiFailure {
  if (status === 401) signOut('expired');
  let body: Partial<ErrorBody> = {};
  try {
    body = JSON.parse(text) as Partial<ErrorBody>;
  } catch {
    // A proxy's HTML error page: the status alone says what happened.
  }
  return new ApiFailure(status, { ...body, error: body.error ?? 'unknown', message: body.message ?? `服务器返回 ${status}` });
}

/** The name the server gave the file (RFC 5987 `filename*` first), else `fallback`. */
function fileNameOf(disposition: string | null, fallback: string): string {
  const encoded = disposition?.match(/filename\*=UTF-8''([^;]+)/i)?.[1];
  if (encoded) return decodeURIComponent(encoded);
  return disposition?.match(/filename="([^"]+)"/i)?.[1] ?? fallback;
}

/** Fetches `path` with the session's token and saves what it answers under the server's file name. */
export async function download(path: string, fallbackName: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch(path, { headers: authorization() });
  } catch (error) {
    throw new ApiFailure(0, { error: 'network', message: `无法连接服务器：${(error as Error).message}` });
  }
  if (!response.ok) throw failureOf(response.status, await response.text());
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: fileNameOf(response.headers.get('content-disposition'), fallbackName) });
  document.body.append(link);
  link.click();
  link.remove();
  // The click has handed the blob to the browser's download; a later tick frees it.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Sends `body` as the whole request body with its media type; the JSON answer, or an ApiFailure. */
export async function sendFile<T>(path: string, body: Blob, mediaType: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { method: 'POST', headers: { ...authorization(), 'content-type': mediaType }, body });
  } catch (error) {
    throw new ApiFailure(0, { error: 'network', message: `无法连接服务器：${(error as Error).message}` });
  }
  const text = await response.text();
  if (!response.ok) throw failureOf(response.status, text);
  return JSON.parse(text) as T;
}

/**
 * Uploads one evidence file as multipart form data. XMLHttpRequest rather than fetch:
 * only it reports how much of the body has gone, for the progress bar.
 */
export function uploadAttachment(inspectionId: string, recordId: string, file: File, onProgress: (percent: number) => void): Promise<AttachmentList> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', `/api/v1/inspections/${inspectionId}/records/${recordId}/attachments`);
    for (const [name, value] of Object.entries(authorization())) request.setRequestHeader(name, value);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) resolve(JSON.parse(request.responseText) as AttachmentList);
      else reject(failureOf(request.status, request.responseText));
    };
    request.onerror = () => reject(new ApiFailure(0, { error: 'network', message: '无法连接服务器：上传中断' }));
    const form = new FormData();
    form.append('file', file, file.name);
    request.send(form);
  });
}

const MB = 1024 * 1024;
export const formatBytes = (bytes: number): string =>
  bytes >= MB ? `${(bytes / MB).toFixed(1)} MB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${bytes} B`;

/** An upload's refusal in words a clerk can act on: the limit that stopped it, or what the bytes were. */
export function uploadRefusal(failure: ApiFailure): string {
  const details = (failure.body.details ?? {}) as { limit?: string; maxBytes?: number; quotaBytes?: number; usedBytes?: number; detected?: string };
  if (failure.status === 413 && details.limit === 'file_size' && details.maxBytes) {
    return `文件过大：每个文件不得超过 ${formatBytes(details.maxBytes)}。`;
  }
  if (failure.status === 413 && details.limit === 'inspection_quota' && details.quotaBytes) {
    return `本次巡察的文件总量已达上限：合计不得超过 ${formatBytes(details.quotaBytes)}，已用 ${formatBytes(details.usedBytes ?? 0)}。`;
  }
  if (failure.status === 413) return `文件过大：${failure.message}`;
  if (failure.status === 415) {
    return `不接受此类文件${details.detected ? `（按文件内容识别为 ${details.detected}）` : ''}：请上传 PDF、图片、Word、Excel、WPS 文档、纯文本或录音。`;
  }
  return failure.message;
}
