import { Client, Connection, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, type PayloadCodec } from '@temporalio/common';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AesGcmPayloadCodec, dataConverter, ENCRYPTED_ENCODING, generatePayloadKey, parsePayloadKeys } from '../platform/payload-codec.js';
import {
  cancelInspectionUpdate,
  cancelRoundUpdate,
  decideStageUpdate,
  inspectionWorkflowId,
  roundWorkflowId,
  submitStageUpdate,
} from '../workflows/messages.js';
import { PAYLOAD_KEYS, startHarness, type Harness } from './support/harness.js';
import { leaderOne, leaderTwo, leadingGroup, office } from './support/people.js';
import { launchRound, meetingFor, passStage, recordWork, rid } from './support/walk.js';

// Whoever reaches Temporal's frontend can send any Update or Signal; these tests are
// such a person, with a plain @temporalio/client and no payload key.

let h: Harness;
let forgerConnection: Connection;
let forger: Client;
let blindForger: Client;
beforeAll(async () => {
  h = await startHarness();
  forgerConnection = await Connection.connect({ address: inject('temporalAddress') });
  // It cannot seal what it sends. Reading the answers takes the key, which the test
  // holds (to see why a request was refused); the forger itself (`blindForger`) does not.
  const reader = new AesGcmPayloadCodec(PAYLOAD_KEYS);
  forger = new Client({
    connection: forgerConnection,
    namespace: 'default',
    dataConverter: { ...dataConverter(PAYLOAD_KEYS), payloadCodecs: [{ encode: async (payloads) => payloads, decode: (payloads) => reader.decode(payloads) }] },
  });
  const unreadable: PayloadCodec = {
    encode: async (payloads) => payloads,
    decode: async (payloads) =>
      payloads.map((p) =>
        Buffer.from(p.metadata?.encoding ?? []).toString() === ENCRYPTED_ENCODING ? { metadata: { encoding: Buffer.from('binary/null') } } : p,
      ),
  };
  blindForger = new Client({ connection: forgerConnection, namespace: 'default', dataConverter: { ...dataConverter(PAYLOAD_KEYS), payloadCodecs: [unreadable] } });
});
afterAll(async () => {
  await forgerConnection?.close();
  await h?.close();
});

async function refusedWith(sent: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await sent.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the forged request was accepted').toBeInstanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).toBeInstanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

async function refusal(sent: Promise<unknown>): Promise<string> {
  return (await refusedWith(sent)).message;
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
    // It cannot open the answer either (the refusal's sentence is sealed under the API's key).
    expect((await refusedWith(sealedElsewhere)).type).toBe('forbidden');
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

  it('refuses a forged cancellation of an inspection and of its round with an answer, and both go on', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    const workflowId = inspectionWorkflowId(id);
    const cancel = { reason: '伪造的撤销', requestId: rid('forged'), actor: office, issuedFor: workflowId };
    const refused = await refusedWith(forger.workflow.getHandle(workflowId).executeUpdate(cancelInspectionUpdate, { args: [cancel] }));
    expect(refused.type).toBe('forbidden');
    expect(refused.message).toMatch(/did not come from the xuncha API/);
    const why = await refusal(
      forger.workflow.getHandle(roundWorkflowId(round.id)).executeUpdate(cancelRoundUpdate, { args: [{ ...cancel, issuedFor: roundWorkflowId(round.id) }] }),
    );
    expect(why).toMatch(/did not come from the xuncha API/);
    // A sealed cancellation addressed to another workflow is refused the same way.
    const copied = await refusedWith(h.temporal.workflow.getHandle(workflowId).executeUpdate(cancelInspectionUpdate, { args: [{ ...cancel, issuedFor: roundWorkflowId(round.id) }] }));
    expect(copied.message).toMatch(/did not come from the xuncha API/);
    // Refused in the validator: nothing of it reached the inspection's Temporal history.
    const events = (await h.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    expect(events.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'cancelInspection')).toBe(false);

    await passStage(h, id, 'preparation', leaderOne);
    expect(await stateOf(id)).toEqual({ stage: 'stationing', state: 'open' });
    const history = await h.call(office, 'GET', `/api/v1/inspections/${id}/history`);
    expect(history.body.steps.map((s: { kind: string }) => s.kind)).not.toContain('cancelled');
    expect((await h.call(office, 'GET', `/api/v1/inspections/${id}/history/verify`)).body).toMatchObject({ intact: true });
    const roundView = await h.call(office, 'GET', `/api/v1/rounds/${round.id}`);
    expect(roundView.body.status).toBe('active');

    // The office's own cancellation, through the API, cancels each inspection with an Update it accepts.
    const cancelled = await h.call(office, 'POST', `/api/v1/rounds/${round.id}/cancel`, { reason: '测试撤销', requestId: rid('cancel') });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await stateOf(id)).state).toBe('cancelled');
    const after = await h.call(office, 'GET', `/api/v1/inspections/${id}/history`);
    expect(after.body.steps.at(-1)).toMatchObject({ kind: 'cancelled', comment: '测试撤销', actor: { sub: office.sub } });
    const accepted = (await h.temporal.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
    expect(accepted.some((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'cancelInspection')).toBe(true);
    expect((await h.call(office, 'GET', `/api/v1/inspections/${id}/history/verify`)).body).toMatchObject({ intact: true });
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

  it('keeps failure messages unreadable in Temporal: a refusal in the history and the answer to a forger', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id;
    const workflowId = inspectionWorkflowId(id);
    // A submission the exit criteria refuse is a failed update in Temporal's history.
    const refused = await h.call(leaderOne, 'POST', `/api/v1/inspections/${id}/submissions`, { stage: 'preparation', requestId: rid('early') });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe('exit_criteria_unmet');

    const raw = await h.temporal.workflow.getHandle(workflowId).fetchHistory();
    const failures = (raw.events ?? []).flatMap((e) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure ?? []);
    expect(failures.length).toBeGreaterThan(0);
    for (const failure of failures) {
      expect(failure.message).not.toMatch(/exit criteria|preparation/);
      expect(failure.stackTrace ?? '').toBe('');
      expect(Buffer.from(failure.encodedAttributes?.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
    }
    const clear = JSON.stringify(raw) + payloadTexts(raw).join('\n');
    expect(clear).not.toContain('exit criteria unmet');
    expect(clear).not.toContain(leaderOne.name);

    // Served to auditors opened: the failure's message is there again.
    const served = await h.call(office, 'GET', `/api/v1/inspections/${id}/history/temporal`);
    const opened = served.body.runs[0].history.events
      .map((e: { workflowExecutionUpdateCompletedEventAttributes?: { outcome?: { failure?: { encodedAttributes?: { data: string } } } } }) => e.workflowExecutionUpdateCompletedEventAttributes?.outcome?.failure?.encodedAttributes)
      .find(Boolean);
    expect(JSON.parse(Buffer.from(opened.data, 'base64').toString('utf8')).message).toMatch(/exit criteria unmet/);

    // A forger without the key learns only that it was refused, not the sentence (which may name people).
    const forged = { stage: 'preparation' as const, requestId: rid('forged'), actor: leaderOne, comment: null, issuedFor: workflowId };
    const blind = await refusedWith(blindForger.workflow.getHandle(workflowId).executeUpdate(submitStageUpdate, { args: [forged] }));
    expect(blind.type).toBe('forbidden');
    expect(blind.message).not.toMatch(/xuncha/);
  });
});
