import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../workflows/roles.js';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, memberOne } from './support/people.js';
import { launchRound, passStage } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function patch(actor: Actor, url: string, body: unknown, contentType = 'application/merge-patch+json') {
  const response = await h.app.inject({
    method: 'PATCH',
    url,
    headers: { authorization: `Bearer ${await h.token(actor)}`, 'content-type': contentType },
    payload: JSON.stringify(body),
  });
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

describe('editing a record with a JSON merge patch', () => {
  it('changes what the patch names, removes what it sets to null, keeps the rest, and validates the result', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    await passStage(h, id, 'preparation', leaderOne);
    await passStage(h, id, 'stationing', leaderOne);
    const records = `/api/v1/inspections/${id}/records`;
    const talk = (await h.call(leaderOne, 'GET', `${records}?kind=talk`)).body.records[0].id;
    const written = await h.call(memberOne, 'POST', records, {
      kind: 'problem',
      data: {
        category: '财政资金使用',
        title: '罚没收入未及时足额上缴',
        facts: '2020年罚款37笔未入账。',
        evidence: [talk],
        conduct: { from: '2020-01-01', to: '2020-12-31' },
        characterization: '违反财经纪律',
        basis: [{ source: '《罚款决定与罚款收缴分离实施办法》', article: '第十条' }],
        persons: ['财务科科长'],
      },
    });
    expect(written.status, JSON.stringify(written.body)).toBe(201);
    const url = `${records}/${written.body.id}`;

    const patched = await patch(memberOne, url, { version: 1, data: { facts: '2020年罚款37笔共计18.6万元未入账。', persons: null, conduct: { to: '2021-06-30' } } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.version).toBe(2);
    expect(patched.body.data).toEqual({
      ...written.body.data,
      facts: '2020年罚款37笔共计18.6万元未入账。',
      conduct: { from: '2020-01-01', to: '2021-06-30' },
      persons: undefined,
    });
    expect('persons' in patched.body.data).toBe(false);

    // The merged result must still be a paper: removing its basis is refused naming the field.
    const noBasis = await patch(memberOne, url, { version: 2, data: { basis: null } });
    expect(noBasis.status).toBe(400);
    expect(noBasis.body.details.issues.map((i: { field: string }) => i.field)).toEqual(['body.data.basis']);
    // A patch of a version that is no longer current is refused, not merged onto newer data.
    expect((await patch(memberOne, url, { version: 1, data: { title: '旧' } })).status).toBe(409);

    // The whole-data form still works with application/json: what it leaves out is gone.
    const { persons: _gone, ...whole } = patched.body.data;
    const replaced = await patch(memberOne, url, { version: 2, data: { ...whole, title: '罚没收入未上缴' } }, 'application/json');
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.data.title).toBe('罚没收入未上缴');
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await h.call(null, 'GET', '/docs/json');
    const content = doc.body.paths['/api/v1/inspections/{id}/records/{recordId}'].patch.requestBody.content;
    expect(Object.keys(content)).toEqual(['application/json', 'application/merge-patch+json']);
  });
});
