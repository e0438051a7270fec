import { createPublicKey, verify as verifySignature } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointPayload } from '../db/ledger.repository.js';
import { apiSettings, loadSettings, SettingsError, workerSettings } from '../platform/settings.js';
import { checkSignature, devSigningKeys, rotateSigningKey, signPayload } from '../platform/signing-key.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, leaderOne } from './support/people.js';
import { aroundTriggers, recomputeLedger, verify } from './support/tamper.js';
import { launchRound, passStage } from './support/walk.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

describe('signed checkpoints', () => {
  it('sign both chain heads when a stage closes, with a key anyone can check from GET /signing-keys', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    await passStage(h, id, 'preparation', leaderOne);

    const keys = await h.call(auditor, 'GET', '/api/v1/signing-keys');
    expect(keys.status).toBe(200);
    expect(keys.body.keys).toHaveLength(1);
    const [key] = keys.body.keys;
    expect(key).toMatchObject({ algorithm: 'Ed25519', current: true, publicKey: expect.stringContaining('BEGIN PUBLIC KEY') });

    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: true, signaturesValid: true });
    const history = (await h.call(auditor, 'GET', `/api/v1/inspections/${id}/history`)).body.steps as { seq: number; kind: string; hash: string }[];
    // The opening of preparation and of stationing: one checkpoint each.
    expect(verdict.checkpoints.map((c) => c.stepSeq)).toEqual(history.filter((s) => s.kind === 'stage_opened').map((s) => s.seq));
    for (const checkpoint of verdict.checkpoints as unknown as (Parameters<typeof checkpointPayload>[0] & { signature: string })[]) {
      expect(checkpoint.keyId).toBe(key.id);
      expect(checkpoint.stepHash).toBe(history.find((s) => s.seq === checkpoint.stepSeq)!.hash);
      // Checked outside xuncha's code path: the published key, node:crypto, the documented payload.
      const { signature, ...content } = checkpoint;
      const { valid: _valid, ...signed } = content as typeof content & { valid?: boolean };
      expect(verifySignature(null, Buffer.from(checkpointPayload(signed)), createPublicKey(key.publicKey), Buffer.from(signature, 'base64'))).toBe(true);
    }
  });

  it('fail when the ledger is rewritten after a checkpoint, though every ledger hash was recomputed', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    await passStage(h, id, 'preparation', leaderOne);
    const plan = await h.database.db.selectFrom('records').select('id').where('inspection_id', '=', id).where('kind', '=', 'work_plan').executeTakeFirstOrThrow();
    await aroundTriggers(h.database.db, ['record_versions', 'records'], async () => {
      await sql`update record_versions set data = jsonb_set(data, '{keyMatters}', '"改写"') where record_id = ${plan.id}`.execute(h.database.db);
      await sql`update records set data = jsonb_set(data, '{keyMatters}', '"改写"') where id = ${plan.id}`.execute(h.database.db);
    });
    await recomputeLedger(h.database.db, id);
    const verdict = await verify(h, id);
    expect(verdict).toMatchObject({ intact: false, historyIntact: true, ledgerIntact: true, signaturesValid: false });
    expect(verdict.problems.join('\n')).toMatch(/checkpoint at step \d+: the ledger no longer passes through entry \d+ as signed/);
  });

  it('still verify after a rotation: the old public key is kept, the new key signs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xuncha-keys-'));
    try {
      const file = join(dir, 'signing-key.json');
      const first = devSigningKeys(file);
      expect(devSigningKeys(file).signer?.id).toBe(first.signer?.id);
      const payload = checkpointPayload({ inspectionId: 'x', stepSeq: 1, stepHash: 'a', ledgerSeq: 0, ledgerHash: 'b', signedAt: '2026-11-29T00:00:00.000Z', keyId: first.signer!.id });
      const signature = signPayload(first.signer!, payload);

      const rotated = rotateSigningKey(file);
      expect(rotated.signer?.id).not.toBe(first.signer?.id);
      expect(rotated.publicKeys.map((k) => [k.id, k.current])).toEqual([
        [rotated.signer!.id, true],
        [first.signer!.id, false],
      ]);
      expect(checkSignature(rotated, first.signer!.id, payload, signature)).toBeNull();
      expect(checkSignature(rotated, first.signer!.id, payload.replace('"stepSeq":1', '"stepSeq":2'), signature)).toMatch(/does not match/);
      expect(checkSignature({ publicKeys: [] }, first.signer!.id, payload, signature)).toMatch(/not among the published signing keys/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('are required outside npm start: the API and the worker refuse to start without a key file', () => {
    const problems = (schema: typeof apiSettings | typeof workerSettings, env: Record<string, string>) => {
      try {
        loadSettings(schema, env);
        return [];
      } catch (error) {
        if (error instanceof SettingsError) return error.problems;
        throw error;
      }
    };
    expect(problems(workerSettings, { DATABASE_URL: 'postgres://a:b@h:5432/d' }).join('\n')).toMatch(/^SIGNING_KEY_FILE: is required/m);
    expect(problems(apiSettings, { DATABASE_URL: 'postgres://a:b@h:5432/d', JWT_SECRET: 'x'.repeat(40) }).join('\n')).toMatch(/^SIGNING_KEY_FILE: is required/m);
  });
});
