import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { STAGE_IDS } from '../workflows/stages.js';
import { startHarness, type Harness } from './support/harness.js';
import { auditor, launchBody, leaderOne, leadingGroup, liaisonOne, memberOne, office } from './support/people.js';
import { launchRound, passStage, recordWork, rid } from './support/walk.js';
import type { Actor } from '../workflows/roles.js';

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'xuncha-dossier-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The zip as bytes: the harness's `call` reads answers as text. */
async function download(actor: Actor, id: string) {
  const response = await h.app.inject({
    method: 'GET',
    url: `/api/v1/inspections/${id}/dossier.zip`,
    headers: { authorization: `Bearer ${await h.token(actor)}` },
  });
  return { status: response.statusCode, headers: response.headers, bytes: new Uint8Array(response.rawPayload) };
}

/** `npm run verify-dossier` as an auditor runs it, on a file alone, against the run's workflow bundle. */
function verifyDossier(file: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/verify-dossier.ts', file, '--bundle', inject('workflowBundlePath')],
      { env: { ...process.env, DATABASE_URL: '' }, timeout: 170_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
  });
}

/** The zip with one file's bytes changed by `alter`, written to disk. */
function tampered(bytes: Uint8Array, path: string, alter: (text: string) => string, name: string): string {
  const files = unzipSync(bytes);
  const before = strFromU8(files[path]!);
  const after = alter(before);
  expect(after).not.toBe(before);
  files[path] = strToU8(after);
  const file = join(dir, name);
  writeFileSync(file, zipSync(files));
  return file;
}

describe('the sealed dossier (立卷归档)', () => {
  it('is built by the office once rectification is approved, verified offline, and completes the round when sealed and approved', async () => {
    // One inspection, so the round's state follows this one's.
    const [first] = launchBody().inspections;
    const round = await launchRound(h, { inspections: [first] });
    const id = round.inspections[0].id as string;
    const base = `/api/v1/inspections/${id}`;
    for (const stage of STAGE_IDS.slice(0, STAGE_IDS.indexOf('rectification'))) await passStage(h, id, stage, leaderOne);

    // Too early: rectification is still open.
    const early = await h.call(office, 'POST', `${base}/dossier`, { requestId: rid('dossier') });
    expect(early.status, JSON.stringify(early.body)).toBe(409);
    expect(early.body.details).toMatchObject({ stage: 'rectification', state: 'open' });

    // The item goes on as long-term work (长期整改): it does not hold up archiving and travels in the dossier.
    await recordWork(h, id, 'rectification', leaderOne);
    const [verification] = (await h.call(office, 'GET', `${base}/records?kind=rectification_verification`)).body.records;
    const longTerm = await h.call(office, 'PATCH', `${base}/records/${verification.id}`, {
      data: { ...verification.data, outcome: 'long_term', nextMilestoneOn: '2022-12-31', note: '制度建设需持续推进' },
      version: verification.version,
    });
    expect(longTerm.status, JSON.stringify(longTerm.body)).toBe(200);
    await passStage(h, id, 'rectification', leaderOne);
    expect((await h.call(office, 'GET', base)).body).toMatchObject({ stage: 'archiving', state: 'open' });
    expect((await h.call(office, 'GET', `/api/v1/rounds/${round.id}`)).body.status).toBe('active');

    // Archiving cannot be submitted before the dossier is sealed.
    const unsealed = await h.call(office, 'POST', `${base}/submissions`, { stage: 'archiving', requestId: rid('submit') });
    expect(unsealed.status).toBe(409);
    expect(unsealed.body.details.unmet.map((u: { code: string }) => u.code)).toEqual(['dossier_not_sealed']);

    // Only the office builds; nobody named in the group, nor auditors, nor the liaison.
    for (const actor of [leaderOne, memberOne, auditor, leadingGroup, liaisonOne]) {
      expect((await h.call(actor, 'POST', `${base}/dossier`, { requestId: rid('dossier') })).status, actor.sub).toBe(403);
    }
    const requestId = rid('dossier');
    const built = await h.call(office, 'POST', `${base}/dossier`, { requestId });
    expect(built.status, JSON.stringify(built.body)).toBe(201);
    expect(built.body).toMatchObject({ inspectionId: id, sealedBy: { sub: office.sub }, download: `${base}/dossier.zip` });
    // The same request answers the same seal; another is refused: a sealed dossier is never rebuilt.
    const again = await h.call(office, 'POST', `${base}/dossier`, { requestId });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(built.body);
    expect((await h.call(office, 'POST', `${base}/dossier`, { requestId: rid('dossier') })).status).toBe(409);
    expect((await h.call(auditor, 'GET', `${base}/dossier`)).body.dossier).toEqual(built.body);

    // The office, the leading group and auditors download it; the group and the liaison do not.
    for (const actor of [leaderOne, memberOne, liaisonOne]) expect((await download(actor, id)).status, actor.sub).toBe(403);
    expect((await download(leadingGroup, id)).status).toBe(200);
    const zip = await download(auditor, id);
    expect(zip.status).toBe(200);
    expect(zip.headers['content-type']).toBe('application/zip');
    expect(zip.bytes.length).toBe(built.body.size);

    const files = unzipSync(zip.bytes);
    const manifest = JSON.parse(strFromU8(files['manifest.json']!));
    expect(manifest).toMatchObject({
      inspectionId: id,
      code: { version: expect.any(String), commit: expect.stringMatching(/^[0-9a-f]{40}$|^unknown$/) },
      publicKeys: [expect.objectContaining({ publicKey: expect.stringContaining('BEGIN PUBLIC KEY') })],
      longTermItems: [expect.objectContaining({ nextMilestoneOn: '2022-12-31' })],
    });
    const paths = Object.keys(files);
    for (const expected of ['卷内目录.docx', 'report/巡察报告.docx', 'report/问题线索专题报告.docx', 'history/steps.json', 'history/timeline.json', 'temporal/inspection-history.json']) {
      expect(paths, expected).toContain(expected);
    }
    const problem = paths.find((p) => p.startsWith('records/problem/'))!;
    expect(JSON.parse(strFromU8(files[problem]!)).versions.length).toBeGreaterThan(1);
    expect(manifest.checkpoints.length).toBeGreaterThan(0);

    const file = join(dir, 'dossier.zip');
    writeFileSync(file, zip.bytes);
    const intact = await verifyDossier(file);
    expect(intact.out).toContain('all 8 checks passed');
    expect(intact.code, intact.out).toBe(0);

    // One byte of a problem paper altered: the file is named.
    const recordAltered = tampered(zip.bytes, problem, (text) => text.replace('37笔', '38笔'), 'record-altered.zip');
    const broken = await verifyDossier(recordAltered);
    expect(broken.code, broken.out).toBe(1);
    expect(broken.out).toMatch(new RegExp(`FAIL file hashes[\\s\\S]*${problem}: its SHA-256 differs`));
    expect(broken.out).toMatch(/FAIL records against the submissions/);

    // A checkpoint's signature altered: named, and the manifest's own signature fails with it.
    const signatureAltered = tampered(
      zip.bytes,
      'manifest.json',
      (text) => {
        const m = JSON.parse(text);
        const signature: string = m.checkpoints[0].signature;
        m.checkpoints[0].signature = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
        return `${JSON.stringify(m, null, 2)}\n`;
      },
      'signature-altered.zip',
    );
    const forged = await verifyDossier(signatureAltered);
    expect(forged.code, forged.out).toBe(1);
    expect(forged.out).toMatch(new RegExp(`FAIL checkpoint signatures[\\s\\S]*checkpoint at step ${manifest.checkpoints[0].stepSeq}: its signature`));
    expect(forged.out).toMatch(/FAIL manifest signature[\s\S]*manifest.json: its signature/);

    // Sealed: archiving goes through, and with its only inspection archived the round completes.
    await passStage(h, id, 'archiving', leaderOne);
    expect((await h.call(office, 'GET', base)).body).toMatchObject({ stage: 'archiving', state: 'completed' });
    await expect
      .poll(async () => (await h.call(office, 'GET', `/api/v1/rounds/${round.id}`)).body.status, { timeout: 30_000 })
      .toBe('completed');

    // Every download is a confidential read, on the record of who saw the file.
    const reads = (await h.call(auditor, 'GET', `${base}/access-log?limit=500`)).body.reads as { what: string; actor: { sub: string } }[];
    expect(reads.filter((r) => r.what === 'dossier').map((r) => r.actor.sub).sort()).toEqual([auditor.sub, leadingGroup.sub].sort());
  }, 600_000);

  it('logs each evaluation read in the inspector-evaluations spreadsheet as a confidential read', async () => {
    const round = await launchRound(h);
    const id = round.inspections[0].id as string;
    for (const stage of STAGE_IDS.slice(0, STAGE_IDS.indexOf('post_evaluation'))) await passStage(h, id, stage, leaderOne);
    await recordWork(h, id, 'post_evaluation', leaderOne);
    const sheet = await h.call(office, 'GET', `/api/v1/rounds/${round.id}/inspector-evaluations.xlsx`);
    expect(sheet.status).toBe(200);
    const evaluations = (await h.call(office, 'GET', `/api/v1/inspections/${id}/records?kind=inspector_evaluation`)).body.records as { id: string; version: number }[];
    const reads = (await h.call(auditor, 'GET', `/api/v1/inspections/${id}/access-log?limit=500`)).body.reads as {
      what: string;
      actor: { sub: string };
      record: { id: string; version: number } | null;
    }[];
    const logged = reads.filter((r) => r.what === 'inspector_evaluations');
    expect(logged.map((r) => r.record?.id).sort()).toEqual(evaluations.map((e) => e.id).sort());
    expect(logged.every((r) => r.actor.sub === office.sub)).toBe(true);
  }, 400_000);
});
