import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exceedsDepth } from '../api/json-body.js';
import { JWT_SECRET, startHarness, type Harness } from './support/harness.js';
import { launchBody, leaderOne, leadingGroup, office, officeDeputy } from './support/people.js';
import { launchRound, meetingFor, recordWork, rid } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** A token signed with the server's own secret but carrying whatever claims a hostile issuer chose. */
async function tokenWith(claims: Record<string, unknown>, set: { exp?: number | null; iat?: number } = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt(set.iat ?? now);
  if (set.exp !== null) jwt.setExpirationTime(set.exp ?? now + 3600);
  return jwt.sign(new TextEncoder().encode(JWT_SECRET));
}

async function callWith(token: string, method: 'GET' | 'POST', url: string, payload?: unknown) {
  // English, the language these assertions are written in (Chinese is the default).
  const headers = { authorization: `Bearer ${token}`, 'accept-language': 'en' };
  const response = await h.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.json() as { error: string; message: string } };
}

describe('identity claims are input like any other', () => {
  const leader = { sub: leaderOne.sub, roles: leaderOne.roles };

  it.each([
    ['a NUL in the name', { ...leader, name: '张\u0000组长' }, /name must not hold control characters/],
    ['a lone surrogate in the name', { ...leader, name: '张\ud800组长' }, /name must be well-formed Unicode/],
    ['a bidirectional override in the name', { ...leader, name: '张\u202e长组' }, /name must not hold bidirectional/],
    ['a subject of 10,000 characters', { ...leader, sub: 'x'.repeat(10_000), name: '张组长' }, /sub /],
    ['no roles', { sub: leaderOne.sub, name: '张组长' }, /roles/],
  ])('refuses a token with %s with 401 naming the claim, before it reaches a workflow', async (_what, claims, why) => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    const refused = await callWith(await tokenWith(claims), 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('hostile') });
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('unauthorized');
    expect(refused.body.message).toMatch(why);
    // Nothing was wedged: the real leader submits the same stage at once.
    const submitted = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('real') });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
  });

  it('requires an expiry, caps the lifetime and refuses a token issued in the future', async () => {
    const claims = { sub: office.sub, name: office.name, roles: office.roles };
    const now = Math.floor(Date.now() / 1000);
    const noExpiry = await callWith(await tokenWith(claims, { exp: null }), 'GET', '/api/v1/rounds');
    expect(noExpiry).toMatchObject({ status: 401, body: { message: expect.stringMatching(/exp/) } });
    const thirtyDays = await callWith(await tokenWith(claims, { exp: now + 30 * 86_400 }), 'GET', '/api/v1/rounds');
    expect(thirtyDays).toMatchObject({ status: 401, body: { message: expect.stringMatching(/longer than the 12 h/) } });
    const fromTheFuture = await callWith(await tokenWith(claims, { iat: now + 3600, exp: now + 7200 }), 'GET', '/api/v1/rounds');
    expect(fromTheFuture).toMatchObject({ status: 401, body: { message: expect.stringMatching(/issued in the future/) } });
    const expired = await callWith(await tokenWith(claims, { iat: now - 7200, exp: now - 3600 }), 'GET', '/api/v1/rounds');
    expect(expired).toMatchObject({ status: 401, body: { message: 'the token has expired: sign in again' } });
    const fine = await callWith(await tokenWith(claims, { exp: now + 11 * 3600 }), 'GET', '/api/v1/rounds');
    expect(fine.status).toBe(200);
  });

  it('does not hand back the token library’s own error texts', async () => {
    const garbage = await callWith('not.a.token', 'GET', '/api/v1/rounds');
    expect(garbage).toEqual({ status: 401, body: { error: 'unauthorized', message: 'the token is not a valid signed token' } });
    const otherKey = await new SignJWT({ sub: 'a', name: 'A', roles: ['office'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('another-secret-another-secret-another-secret'));
    expect((await callWith(otherKey, 'GET', '/api/v1/rounds')).body.message).toBe('the token is not signed by a key this server trusts');
  });
});

describe('requests', () => {
  it('refuse JSON nested deeper than the limit with 400 before parsing it', async () => {
    const token = await h.token(office);
    const deep = `${'['.repeat(6000)}${']'.repeat(6000)}`;
    const response = await h.app.inject({
      method: 'POST',
      url: '/api/v1/rounds',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      payload: deep,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: 'invalid_input', details: { issues: [{ field: 'body' }] } });
    // Brackets inside strings are text, not nesting.
    expect(exceedsDepth(JSON.stringify({ title: '['.repeat(100) }), 32)).toBe(false);
    expect(exceedsDepth(JSON.stringify({ a: [[[[1]]]] }), 4)).toBe(true);
    const broken = await h.app.inject({
      method: 'POST',
      url: '/api/v1/rounds',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'accept-language': 'en' },
      payload: '{"name": ',
    });
    expect(broken.statusCode).toBe(400);
    expect(broken.json()).toMatchObject({ error: 'invalid_input', message: 'the body is not valid JSON' });
  });

  it('keep a sensible client request id, replace any other, and are never cached', async () => {
    const token = await h.token(office);
    const kept = await h.app.inject({ method: 'GET', url: '/api/v1/rounds', headers: { authorization: `Bearer ${token}`, 'x-request-id': 'client-42.a' } });
    expect(kept.headers['x-request-id']).toBe('client-42.a');
    expect(kept.headers['cache-control']).toBe('no-store');
    const replaced = await h.app.inject({
      method: 'GET',
      url: '/api/v1/rounds',
      headers: { authorization: `Bearer ${token}`, 'x-request-id': `evil\u2028${'x'.repeat(500)}` },
    });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('a request id stands for one person’s one request', () => {
  it('gives the first answer only to the same person repeating the same submission, and 409 request_id_reused to anything else under it', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    await recordWork(h, id, 'preparation', leaderOne);
    const requestId = rid('scoped');
    const first = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId, comment: '请审批' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const again = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId, comment: '请审批' });
    expect(again).toEqual(first);
    expect(again.body).not.toHaveProperty('fingerprint');

    const otherBody = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId, comment: '另一份' });
    expect(otherBody.status).toBe(409);
    expect(otherBody.body).toMatchObject({ error: 'request_id_reused', details: { requestId } });
    // Another person, another action: the leading group's decision under the leader's id.
    const otherPerson = await h.call(leadingGroup, 'POST', `/api/v1/inspections/${id}/decisions`, {
      stage: 'preparation',
      decision: 'approve',
      requestId,
      meeting: meetingFor('leading_group'),
    });
    expect(otherPerson.status).toBe(409);
    expect(otherPerson.body.error).toBe('request_id_reused');
    // Nothing was decided under it.
    const history = await h.call(office, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.filter((s: { requestId: string | null }) => s.requestId === requestId)).toHaveLength(1);
  });

  it('names a proposed round with an id nobody can derive from the request id, and keeps a repeat idempotent', async () => {
    const requestId = rid('launch');
    const body = { ...launchBody(), requestId };
    const first = await h.call(office, 'POST', '/api/v1/rounds', body);
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await h.call(office, 'POST', '/api/v1/rounds', body);
    expect(again.body.id).toBe(first.body.id);
    const changed = await h.call(office, 'POST', '/api/v1/rounds', { ...body, name: '另一轮' });
    expect(changed.status).toBe(409);
    expect(changed.body.error).toBe('request_id_reused');
    // The same id from another person is their own request: another round, not the first one's answer.
    const deputy = await h.call(officeDeputy, 'POST', '/api/v1/rounds', body);
    expect(deputy.status).toBe(201);
    expect(deputy.body.id).not.toBe(first.body.id);
  });
});

describe('security headers', () => {
  it('let the console and Swagger UI run while forbidding framing, sniffing and referrers', async () => {
    for (const url of ['/health', '/docs/', '/api/v1/rounds']) {
      const response = await h.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${await h.token(office)}` } });
      const csp = String(response.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp, url).toContain("style-src 'self' 'unsafe-inline'");
      expect(csp, url).toContain("img-src 'self' data: blob:");
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).not.toMatch(/script-src[^;]*unsafe/);
      expect(response.headers['x-content-type-options'], url).toBe('nosniff');
      expect(response.headers['x-frame-options'], url).toBe('DENY');
      expect(response.headers['referrer-policy'], url).toBe('no-referrer');
    }
  });
});
