import { mintToken } from '../../api/auth.js';
import type { ApiCall } from '../../platform/sample-stage-work.js';
import type { Actor } from '../../workflows/roles.js';

/**
 * A client of several API processes, as a load balancer in front of them would be:
 * each request goes to the next process in turn. What the client saw is counted, so
 * a round can report every 5xx and every request that died with its connection.
 */
export class ApiPool {
  private next = 0;
  private readonly tokens = new Map<string, Promise<string>>();
  readonly seen = { requests: 0, byStatus: new Map<number, number>(), connectionErrors: 0, refused: 0, answeredBy: new Map<string, number>() };

  constructor(
    private readonly urls: () => string[],
    private readonly secret: string,
  ) {}

  private token(actor: Actor): Promise<string> {
    let token = this.tokens.get(actor.sub);
    if (!token) {
      token = mintToken({ secret: this.secret }, actor, { expiresIn: '2h' });
      this.tokens.set(actor.sub, token);
    }
    return token;
  }

  /** 5xx answers seen so far, by status. */
  fiveHundreds(): Record<string, number> {
    return Object.fromEntries([...this.seen.byStatus].filter(([s]) => s >= 500).map(([s, n]) => [String(s), n]));
  }

  resetCounts(): void {
    this.seen.requests = 0;
    this.seen.byStatus.clear();
    this.seen.connectionErrors = 0;
    this.seen.refused = 0;
    this.seen.answeredBy.clear();
  }

  /** One attempt against the next API process; a dropped connection is thrown with `connectionError` set. */
  async once(actor: Actor, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; headers: Headers }> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const urls = this.urls();
    const base = urls[this.next++ % urls.length]!;
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token(actor)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    this.seen.requests += 1;
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      text = await response.text();
    } catch (error) {
      const refused = /ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error));
      if (refused) this.seen.refused += 1;
      else this.seen.connectionErrors += 1;
      throw Object.assign(new Error(`${method} ${base}${path}: ${String((error as { cause?: unknown }).cause ?? error)}`), {
        connectionError: true,
        /** Refused before anything was sent: safe to send again whatever the request. */
        refused,
      });
    }
    this.seen.answeredBy.set(base, (this.seen.answeredBy.get(base) ?? 0) + 1);
    this.seen.byStatus.set(response.status, (this.seen.byStatus.get(response.status) ?? 0) + 1);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the failure message
    }
    return { status: response.status, body: parsed, headers: response.headers };
  }

  /**
   * For recording work (platform/sample-stage-work.ts): a read is sent again on any
   * dropped connection, a write only when the connection was refused (nothing was sent),
   * since record writes carry no request id.
   */
  readonly call: ApiCall = async (actor, method, url, body) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.once(actor, method, url, body);
      } catch (error) {
        const e = error as { connectionError?: boolean; refused?: boolean };
        const retry = e.connectionError && (method === 'GET' || e.refused) && attempt < 20;
        if (!retry) throw error;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };
}
