import createClient from 'openapi-fetch';
import { currentSession, signOut } from '../auth/session';
import type { paths } from './schema';

/**
 * The console's one way to the API, typed from the OpenAPI document
 * (`npm run api:types` regenerates schema.d.ts). It sends the session's token, and a
 * 401 to a request that carried one means the token ran out or was revoked: back to
 * sign-in, saying so.
 */
export const api = createClient<paths>({ baseUrl: window.location.origin });

api.use({
  onRequest({ request }) {
    const session = currentSession();
    if (session) request.headers.set('authorization', `Bearer ${session.token}`);
    // The console speaks Chinese whatever the browser's own language: the API words its messages to match.
    request.headers.set('accept-language', 'zh-CN');
    return request;
  },
  onResponse({ request, response }) {
    if (response.status === 401 && request.headers.has('authorization')) signOut('expired');
    return response;
  },
});

export interface ErrorBody {
  error: string;
  message: string;
  /** `issues` name the fields of a 400; `unmet` lists every unmet exit criterion of a refused submission (worded in Chinese, see onRequest). */
  details?: {
    issues?: { field: string; message: string }[];
    unmet?: { code: string; params: Record<string, string | number | string[]>; message: string }[];
  } & Record<string, unknown>;
}

/** A non-2xx answer, or no answer at all (status 0), as thrown to TanStack Query. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
  ) {
    super(body.message);
    this.name = 'ApiFailure';
  }

  /** Whether repeating the same request (same requestId) may still succeed. */
  get retryable(): boolean {
    return this.status === 0 || this.status === 503 || this.status === 502 || this.status === 504;
  }
}

/** The data of an openapi-fetch answer, or an ApiFailure with the error body. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer;
  try {
    answer = await call;
  } catch (error) {
    throw new ApiFailure(0, { error: 'network', message: `无法连接服务器：${(error as Error).message}` });
  }
  if (answer.error !== undefined || !answer.response.ok) {
    const body = (answer.error ?? {}) as Partial<ErrorBody>;
    throw new ApiFailure(answer.response.status, {
      ...body,
      error: body.error ?? 'unknown',
      message: body.message ?? `服务器返回 ${answer.response.status}`,
    });
  }
  return answer.data as T;
}
