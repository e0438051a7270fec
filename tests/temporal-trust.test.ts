import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConverter, ENCRYPTED_ENCODING, generatePayloadKey, parsePayloadKeys } from '../platform/payload-codec.js';
import {
  cancelInspectionSignal,
  cancelRoundUpdate,
  decideStageUpdate,
  inspectionWorkflowId,
  roundWorkflowId,
  submitStageUpdate,
} from '../workflows/messages.js';
import { startHarness, type Harness } from './support/harness.js';
import { leaderOne, leaderTwo, leadingGroup, office } from './support/people.js';
import { launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

// Whoever reaches Temporal's frontend can send any Update or Signal; these tests are
// such a person, with a plain @temporalio/client and no payload key.

let h: Harness;
let forgerConnection: Connection;
let forger: Client;
beforeAll(async () => {
  h = await startHarness();
  forgerConnection = await Connection.connect({ address: inject('temporalAddress') });
  // It cannot read sealed payloads (a refusal's details among them) and skips them.
  const unreadable: PayloadCodec = {
    encode: async (payloads) => payloads,
    decode: async (payloads) =>
      payloads.map((p) =>
        Buffer.from(p.metadata?.encoding ?? []).toString() === ENCRYPTED_ENCODING ? { metadata: { encoding: Buffer.from('binary/null') } } : p,
      ),
  };
  forger = new Client({ connection: forgerConnection, namespace: 'default', dataConverter: { payloadCodecs: [unreadable] } });
});
afterAll(async () => {
  await forgerConnection?.close();
  await h?.close();
});

async function refusal(sent: Promise<unknown>): Promise<string> {
  const error = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the forged request was accepted').toBeInstanceOf(WorkflowUpdateFailedError);
  return String((error as WorkflowUpdateFailedError).cause?.message);
}

/** The bytes of every payload in a history, as text: what a reader of Temporal sees. */
function payloadTexts(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if ((value as { data?: unknown }).data instanceof Uint8Array) return [Buffer.from((value as { data: Uint8Array }).data).toString('utf8')];
  return Object.values(value).flatMap(payloadTexts);
}

async function stateOf(inspectionId: string) {
  const { status, body } = await h.call(office, 'GET', `/api/v1/inspections/${inspectionId}`);
  expect(status).toBe(200);
  return { stage: body.stage as string, state: body.state as string };
}

describe('Temporal is a trust boundary', () => {
  it('refuses a submission and a decision forged straight to the frontend, and the inspection goes on intact', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    const workflowId = inspectionWorkflowId(id);
    await recordWork(h, id, 'preparation', leaderOne);
    const before = await stateOf(id);

    const submit = { stage: 'preparation' as const, requestId: rid('forged'), actor: leaderOne, comment: null, issuedFor: workflowId };
    const why = await refusal(forger.workflow.getHandle(workflowId).executeUpdate(submitStageUpdate, { updateId: submit.requestId, args: [submit] }));
    expect(why).toMatch(/did not come from the xuncha API/);
    await refusal(
      forger.workflow.getHandle(workflowId).executeUpdate(decideStageUpdate, {
        args: [{ ...submit, requestId: rid('forged'), decision: 'approve', actor: leadingGroup, meeting: meetingFor('leading_group') }],
      }),
    );
    // Sealed under a key the API does not hold: refused the same way.
    const otherKey = new Client({ connection: forgerConnection, namespace: 'default', dataConverter: dataConverter(parsePayloadKeys(generatePayloadKey('other'))) });
    const sealedElsewhere = otherKey.workflow.getHandle(workflowId).executeUpdate(submitStageUpdate, { args: [{ ...submit, requestId: rid('forged') }] });
    expect(await refusal(sealedElsewhere)).toMatch(/did not come from the xuncha API/);
    expect(await stateOf(id)).toEqual(before);

    // The leader's own submission still goes through and the chain still approves it.
    await passStage(h, id, 'preparation', leaderOne);
    expect(await stateOf(id)).toEqual({ stage: 'stationing', state: 'open' });
    const history = await h.call(office, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.map((s: { requestId: string | null }) => s.requestId)).not.toContain(submit.requestId);
    const verified = await h.call(office, 'GET', `/api/v1/inspections/${id}/history/verify`);
    expect(verified.body).toMatchObject({ intact: true });
  });

  it('refuses a sealed request copied to another inspection than the one the API addressed', async () => {
    const round = await launchRound(h);
    const [one, two] = round.inspections.map((i: { id: string }) => i.id);
    await recordWork(h, two, 'preparation', leaderTwo);
    // What a sealed request for inspection one looks like when replayed against inspection two.
    const sealed = { stage: 'preparation' as const, requestId: rid('copied'), actor: leaderTwo, comment: null, issuedFor: inspectionWorkflowId(one) };
    const why = await refusal(h.temporal.workflow.getHandle(inspectionWorkflowId(two)).executeUpdate(submitStageUpdate, { args: [sealed] }));
    expect(why).toMatch(/did not come from the xuncha API/);
    expect(await stateOf(two)).toMatchObject({ stage: 'preparation', state: 'open' });
  });

  it('drops a forged cancellation of an inspection and refuses a forged cancellation of its round', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    const workflowId = inspectionWorkflowId(id);
    const cancel = { reason: '伪造的撤销', requestId: rid('forged'), actor: office, issuedFor: workflowId };
    await forger.workflow.getHandle(workflowId).signal(cancelInspectionSignal, cancel);
    const why = await refusal(
      forger.workflow.getHandle(roundWorkflowId(round.id)).executeUpdate(cancelRoundUpdate, { args: [{ ...cancel, issuedFor: roundWorkflowId(round.id) }] }),
    );
    expect(why).toMatch(/did not come from the xuncha API/);

    // Requests to a workflow are handled in order: once this stage passes, the signal was seen.
    await passStage(h, id, 'preparation', leaderOne);
    const signalled = (await h.temporal.workflow.getHandle(workflowId).fetchHistory()).events?.some((e) => e.workflowExecutionSignaledEventAttributes);
    expect(signalled).toBe(true);
    expect(await stateOf(id)).toEqual({ stage: 'stationing', state: 'open' });
    const history = await h.call(office, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.map((s: { kind: string }) => s.kind)).not.toContain('cancelled');
    expect((await h.call(office, 'GET', `/api/v1/inspections/${id}/history/verify`)).body).toMatchObject({ intact: true });
    const roundView = await h.call(office, 'GET', `/api/v1/rounds/${round.id}`);
    expect(roundView.body.status).toBe('active');

    // The office's own cancellation, through the API, still cancels.
    const cancelled = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: '测试撤销' });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect((await stateOf(id)).state).toBe('cancelled');
  });

  it('keeps names and comments unreadable to anyone reading Temporal without the key, and opens them for auditors', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    const raw = await h.temporal.workflow.getHandle(inspectionWorkflowId(id)).fetchHistory();
    const input = raw.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    expect(Buffer.from(input?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    expect(payloadTexts(raw).join('\n')).not.toContain(leaderOne.name);
    expect(payloadTexts(raw).length).toBeGreaterThan(0);

    const served = await h.call(office, 'GET', `/api/v1/inspections/${id}/history/temporal`);
    expect(served.status).toBe(200);
    const payload = served.body.runs[0].history.events[0].workflowExecutionStartedEventAttributes.input.payloads[0];
    expect(JSON.parse(Buffer.from(payload.data, 'base64').toString('utf8')).plan.group.leader.name).toBe(leaderOne.name);
  });
});
