import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readCatalogueDocx } from '../api/dossier-catalogue.js';
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

  it('opens with a catalogue (卷内目录) an archivist reads: documents in filing order, each with its running start page, the seal at the foot', async () => {
    const first = launchBody().inspections[0]!;
    const round = await launchRound(h, { inspections: [first] });
    const id = round.inspections[0].id as string;
    const base = `/api/v1/inspections/${id}`;
    await passStage(h, id, 'preparation', leaderOne);
    await recordWork(h, id, 'stationing', leaderOne);
    // A signed transcript of three pages, filed behind its talk.
    const [talk] = (await h.call(leaderOne, 'GET', `${base}/records?kind=talk`)).body.records;
    const boundary = '----dossier-catalogue';
    const pages = [3, 4, 5].map((n) => `${n} 0 obj<</Type /Page/Parent 2 0 R>>endobj\n`).join('');
    const transcript = `%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R 4 0 R 5 0 R]/Count 3>>endobj\n${pages}trailer<</Root 1 0 R>>\n%%EOF\n`;
    const uploaded = await h.app.inject({
      method: 'POST',
      url: `${base}/records/${talk.id}/attachments`,
      headers: { authorization: `Bearer ${await h.token(memberOne)}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
      payload: `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="transcript.pdf"\r\nContent-Type: application/pdf\r\n\r\n${transcript}\r\n--${boundary}--\r\n`,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    for (const stage of STAGE_IDS.slice(STAGE_IDS.indexOf('stationing'), STAGE_IDS.indexOf('archiving'))) await passStage(h, id, stage, leaderOne);
    await recordWork(h, id, 'archiving', leaderOne);

    const files = unzipSync((await download(auditor, id)).bytes);
    const { paragraphs, rows } = readCatalogueDocx(files['卷内目录.docx']!);
    const [header, ...entries] = rows;
    expect(header).toEqual(['序号', '文件编号', '责任者', '题名', '日期', '页号', '备注']);
    expect(entries.map((r) => r[0])).toEqual(entries.map((_, i) => String(i + 1)));
    const column = (name: string) => header!.indexOf(name);
    const where = (row: string[]) => row[column('备注')]!.split('\n').at(-1)!;

    // Filed in order: the approved report first, then every record stage by stage as it was written, each
    // record's evidence right behind it, and last the chains kept only electronically.
    expect(entries[0]![column('题名')]).toBe('巡察报告（经审定）');
    const short = (path: string) => path.replace(/([0-9a-f]{8})-[0-9a-f-]{27}/g, '$1');
    const records = Object.keys(files)
      .filter((p) => p.startsWith('records/'))
      .map((p) => JSON.parse(strFromU8(files[p]!)) as { stage: string; createdAt: string; kind: string; id: string })
      .sort((a, b) => STAGE_IDS.indexOf(a.stage as never) - STAGE_IDS.indexOf(b.stage as never) || a.createdAt.localeCompare(b.createdAt));
    const filed = entries.map(where).filter((w) => w.startsWith('records/'));
    expect(filed).toEqual(records.map((r) => short(`records/${r.kind}/${r.id}.json`)));
    const talkRow = entries.findIndex((r) => where(r) === short(`records/talk/${talk.id}.json`));
    expect(entries[talkRow + 1]![column('题名')]).toBe('证据材料：transcript.pdf');
    expect(entries.at(-1)![column('题名')]).toMatch(/^Temporal 工作流历史/);

    // 页号 runs through the dossier: each paginated document starts where the one before ended; the
    // last shows first and last page; the electronic-only files take none.
    const numbered = entries.filter((r) => r[column('页号')] !== '—');
    const starts = numbered.map((r) => Number(r[column('页号')]!.split('-')[0]));
    expect(starts[0]).toBe(1);
    for (let i = 1; i < starts.length; i++) expect(starts[i], numbered[i]![column('题名')]).toBeGreaterThan(starts[i - 1]!);
    const [lastFirst, lastPage] = numbered.at(-1)![column('页号')]!.split('-').map(Number);
    expect(lastPage ?? lastFirst).toBeGreaterThanOrEqual(lastFirst!);
    const transcriptAt = numbered.findIndex((r) => r[column('题名')] === '证据材料：transcript.pdf');
    expect(starts[transcriptAt + 1]! - starts[transcriptAt]!).toBe(3);
    for (const path of ['history/steps.json', 'history/ledger.json', 'temporal/inspection-history.json']) {
      const row = entries.find((r) => where(r) === path)!;
      expect(row[column('页号')], path).toBe('—');
      expect(row[column('备注')], path).toContain('电子文件');
    }

    // Dates are the documents' own, in eight digits; 责任者 names the unit, then the person.
    const briefing = entries.find((r) => r[column('题名')]!.startsWith('情况通报'))!;
    expect(briefing[column('日期')]).toBe('20211009');
    expect(briefing[column('责任者')]).toBe(`${first.group.name}\n${leaderOne.name}`);
    expect(entries.find((r) => r[column('题名')]!.startsWith('反馈意见'))![column('责任者')]).toBe(`巡察办\n${office.name}`);
    const handover = entries.find((r) => r[column('题名')]!.startsWith('线索移交'));
    if (handover) expect(handover[column('文件编号')]).toMatch(/巡移/);

    // The dossier's title heads it; who filed it and when close it, and 检查人 is left to sign.
    const sealedAt = (await h.call(office, 'GET', `${base}/dossier`)).body.dossier.sealedAt as string;
    const day = new Date(Date.parse(sealedAt) + 8 * 3600_000);
    expect(paragraphs[0]).toBe('卷内目录');
    expect(paragraphs).toContain(`案卷题名：${first.group.name}巡察${first.target.name}工作案卷（${round.name}）`);
    const foot = paragraphs.find((p) => p.startsWith('立卷人：'))!;
    expect(foot).toMatch(new RegExp(`^立卷人：${office.name}\\s*检查人：\\s*立卷时间：${day.getUTCFullYear()}年${day.getUTCMonth() + 1}月${day.getUTCDate()}日$`));
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
