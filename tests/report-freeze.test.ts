import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../activities/activities.js';
import { canonicalJson } from '../db/event-hash.js';
import { STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne, office } from './support/people.js';
import { launchRound, passStage } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

async function docx(id: string) {
  const response = await h.app.inject({
    method: 'GET',
    url: `/api/v1/inspections/${id}/report.docx`,
    headers: { authorization: `Bearer ${await h.token(auditor)}` },
  });
  expect(response.statusCode).toBe(200);
  return { bytes: response.rawPayload, etag: response.headers.etag };
}

describe('the report approved by the reporting chain', () => {
  it('is frozen at the final approval: later records do not change it, and its hashes match what is served', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    for (const stage of STAGE_IDS.slice(0, 4)) await passStage(h, id, stage, leaderOne);

    const draft = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/report`);
    expect(draft.body.frozen).toBeNull();

    await passStage(h, id, 'reporting', leaderOne);
    const approved = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/report`);
    expect(approved.status).toBe(200);
    const { frozen, ...report } = approved.body;
    expect(frozen.approvals.map((a: { role: string }) => a.role)).toEqual(['office', 'leading_group', 'party_committee']);
    expect(frozen.approvals[2]).toMatchObject({ by: { sub: 'pc-liu', name: '刘书记' }, meeting: { kind: '书记专题会' } });
    expect(frozen.at).toBe(frozen.approvals[2].at);
    expect(report.generatedAt).toBe(frozen.at);
    // The hashes name exactly what the two routes serve.
    expect(sha256(canonicalJson(report))).toBe(frozen.jsonSha256);
    const file = await docx(id);
    expect(sha256(file.bytes)).toBe(frozen.sha256);
    expect(file.etag).toBe(`"${frozen.sha256}"`);

    // The history records the final approval once, with the report frozen beside it.
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    const finalApproval = history.body.steps.find(
      (s: { kind: string; stage: string; data: { final?: boolean } }) => s.kind === 'approved' && s.stage === 'reporting' && s.data.final,
    );
    expect(finalApproval.seq).toBe(frozen.approvals[2].seq);

    // Later work (rectification, lead hand-overs) and a paper changed behind the API
    // would change a report assembled now; the approved one stays as it was.
    for (const stage of STAGE_IDS.slice(5)) await passStage(h, id, stage, leaderOne);
    await sql`update records set data = jsonb_set(data, '{title}', '"改写后的标题"') where inspection_id = ${id} and kind = 'problem'`.execute(
      h.database.db,
    );
    const later = await h.call(office, 'GET', `/api/v1/inspections/${id}/report`);
    expect(later.body).toEqual(approved.body);
    expect(JSON.stringify(later.body)).not.toContain('改写后的标题');
    expect(sha256((await docx(id)).bytes)).toBe(frozen.sha256);
  });

  it('is frozen once when the worker retries the final approval after it committed, and the database refuses to change it', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0]!.id as string;
    for (const stage of STAGE_IDS.slice(0, 5)) await passStage(h, id, stage, leaderOne);
    const before = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/report`);

    // A worker that died after the commit but before reporting success: the activity runs again.
    const history = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`);
    const step = history.body.steps.find(
      (s: { kind: string; stage: string; data: { final?: boolean } }) => s.kind === 'approved' && s.stage === 'reporting' && s.data.final,
    );
    const inspection = await h.call(auditor, 'GET', `/api/v1/inspections/${id}`);
    const { hash: _hash, prevHash: _prev, ...event } = step;
    await createActivities({ db: h.database.db }).recordInspectionSteps({
      inspectionId: id,
      roundId: round.id,
      events: [event],
      status: {
        stage: 'reporting',
        state: 'submitted',
        awaitingRole: null,
        submittedBy: null,
        stageOpenedAt: inspection.body.stageOpenedAt,
        stageDueAt: inspection.body.dueAt,
        overdue: false,
        seq: step.seq,
      },
      notices: [],
      result: null,
    });
    const after = await h.call(auditor, 'GET', `/api/v1/inspections/${id}/report`);
    expect(after.body).toEqual(before.body);
    const rows = await h.database.db.selectFrom('frozen_reports').select('docx_sha256').where('inspection_id', '=', id).execute();
    expect(rows).toEqual([{ docx_sha256: before.body.frozen.sha256 }]);
    expect((await h.call(auditor, 'GET', `/api/v1/inspections/${id}`)).body).toMatchObject({ stage: 'post_evaluation', state: 'open' });

    await expect(
      sql`update frozen_reports set docx_sha256 = 'x' where inspection_id = ${id}`.execute(h.database.db),
    ).rejects.toThrow(/append-only/);
  });
});
