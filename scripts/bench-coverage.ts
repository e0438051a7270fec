/**
 * Coverage and statistics at the size of a real system (issue 15): 2,000 organisations,
 * 50 rounds, 20,000 problem papers, written straight into a scratch database. Each
 * call's p50 through the API (token, validation, access, views, serialisation through
 * the response schema) against a bare Fastify route running the same repository SQL
 * and answering with its rows. Not a test: it prints numbers.
 *
 *   npx tsx scripts/bench-coverage.ts [--samples 30]     (DATABASE_URL=… for PostgreSQL)
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { sql, type Kysely } from 'kysely';
import { buildApp } from '../api/app.js';
import { mintToken } from '../api/auth.js';
import { inspectionsInScope, organizationsInScope } from '../db/coverage.repository.js';
import type { Database } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createScratchDatabase } from '../db/scratch-database.js';
import { countStatistics } from '../db/statistics.repository.js';
import type { Actor } from '../workflows/roles.js';

const SECRET = 'bench-coverage-secret-bench-coverage-secret';
const office: Actor = { sub: 'office-bench', name: '巡察办', roles: ['office'] };
const samples = Number(process.argv[process.argv.indexOf('--samples') + 1] || 30) || 30;
const CATEGORIES = ['行政执法', '财政资金使用', '选人用人', '以权谋私'];

async function inChunks<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

async function generate(db: Kysely<Database>) {
  const at = new Date('2021-01-01T00:00:00Z').toISOString();
  const org = (name: string, level: string, parent: string | null) => ({
    id: randomUUID(), name, kind: 'party_committee', level, parent_id: parent, principal_leader: '负责人', active_from: '2018-01-01', active_until: null, version: 1, changed_at: at,
  });
  const root = org('厅党组', 'department', null);
  const bureaus = Array.from({ length: 100 }, (_, b) => org(`第${b + 1}局党委`, 'county', root.id));
  const units = bureaus.flatMap((bureau, b) => Array.from({ length: 19 }, (_, u) => org(`第${b + 1}局第${u + 1}单位党委`, u % 2 ? 'township' : 'county', bureau.id)));
  const organizations = [root, ...bureaus, ...units];
  await inChunks(organizations, 500, (chunk) => db.insertInto('organizations').values(chunk).execute());
  const county = organizations.filter((o) => o.level === 'county');

  const rounds = Array.from({ length: 50 }, (_, r) => ({ id: randomUUID(), year: 2021 + Math.floor(r / 10), n: (r % 10) + 1 }));
  await db
    .insertInto('rounds')
    .values(rounds.map((r) => ({
      id: r.id, name: `${r.year}年第${r.n}轮巡察`, year: r.year, planned_start: `${r.year}-${String(r.n).padStart(2, '0')}-01`, planned_end: `${r.year}-12-31`,
      focus: JSON.stringify(CATEGORIES), approval_chains: '{}', stage_due_days: '{}', escalate_after_hours: 72, launched_by_sub: office.sub, launched_by_name: office.name,
      launched_at: at, status: 'completed', status_changed_at: at, status_reason: null, proposal: null,
    })))
    .execute();
  // 30 inspections a round, each a county-level target with one extension: 1,500 inspections.
  const inspections = rounds.flatMap((round, r) =>
    Array.from({ length: 30 }, (_, i) => {
      const target = county[(r * 30 + i) % county.length]!;
      const extension = county[(r * 30 + i + 7) % county.length]!;
      return {
        id: randomUUID(), round_id: round.id, position: i,
        target: JSON.stringify({ name: target.name, principalLeader: '负责人', organizationId: target.id, extensions: [{ name: extension.name, principalLeader: '负责人', organizationId: extension.id }], liaison: null }),
        group_name: `第${i + 1}巡察组`, leader_sub: `gl-${i}`, leader_name: '组长', stage: 'rectification' as const, state: 'completed' as const, awaiting_role: null, submitted_by_sub: null,
        stage_opened_at: at, stage_due_at: at, overdue: false, last_seq: 0, extension: extension.name,
      };
    }),
  );
  await inChunks(inspections, 500, (chunk) => db.insertInto('inspections').values(chunk.map(({ extension: _e, ...row }) => row)).execute());

  const record = (inspectionId: string, kind: string, data: Record<string, unknown>, review: string | null) => ({
    id: randomUUID(), inspection_id: inspectionId, kind: kind as never, stage: 'drafting' as never, data: JSON.stringify(data), version: 1, review_status: review as never, decision_status: null,
    created_by_sub: 'm', created_by_name: '组员', created_at: at, updated_by_sub: 'm', updated_by_name: '组员', updated_at: at,
  });
  const rows: ReturnType<typeof record>[] = [];
  let papers = 0;
  inspections.forEach((inspection, i) => {
    const count = Math.floor(20_000 / inspections.length) + (i < 20_000 % inspections.length ? 1 : 0);
    for (let p = 0; p < count; p++) {
      const paper = record(inspection.id, 'problem', { category: CATEGORIES[(i + p) % 4], title: `问题${p}`, facts: '事实', characterization: '定性', evidence: [], basis: [], conduct: { from: '2020-01-01', to: '2020-12-31' }, ...(p % 3 === 0 ? { extension: inspection.extension } : {}) }, 'confirmed');
      rows.push(paper);
      papers++;
      if (p % 2 === 0) {
        const item = record(inspection.id, 'rectification_item', { problemId: paper.id, measure: '措施', owner: '责任人', dueOn: '2022-06-30', progress: [] }, null);
        rows.push(item);
        if (p % 4 === 0) rows.push(record(inspection.id, 'rectification_verification', { itemId: item.id, outcome: 'accepted', on: p % 8 === 0 ? '2022-05-01' : '2022-08-01', note: '' }, null));
      }
    }
    const lead = record(inspection.id, 'lead', { person: { name: '某某', post: '副局长', leadingCadre: true }, allegation: '反映问题', sources: [], proposedDisposal: '初核', proposedRecipient: { kind: 'discipline' } }, 'confirmed');
    rows.push(lead);
    if (i % 3) rows.push(record(inspection.id, 'lead_handover', { leadId: lead.id, recipient: { kind: i % 5 ? 'discipline' : 'organization' }, handedOn: '2021-11-10', letterRef: '巡移' }, null));
    if (i % 3 === 1) rows.push(record(inspection.id, 'lead_disposal', { leadId: lead.id, receivedOn: '2021-11-15', outcome: 'preliminary_verification', reference: '号' }, null));
  });
  await inChunks(rows, 1000, (chunk) => db.insertInto('records').values(chunk).execute());
  await sql`analyze`.execute(db);

  const termId = randomUUID();
  await db
    .insertInto('terms')
    .values({
      id: termId, name: '任期巡察规划', starts_on: '2021-01-01', ends_on: '2025-12-31', scope_root_id: root.id, scope_levels: JSON.stringify(['county']),
      assignments: JSON.stringify(county.slice(0, 300).map((o, k) => ({ organizationId: o.id, year: 2021 + (k % 5), roundId: null }))),
      status: 'approved', status_changed_at: at, version: 1, proposed_by_sub: office.sub, proposed_by_name: office.name, proposed_at: at,
    })
    .execute();
  return { termId, organizations: organizations.length, rounds: rounds.length, inspections: inspections.length, papers, records: rows.length };
}

function p50(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function main() {
  const scratch = await createScratchDatabase(process.env.DATABASE_URL, 'xuncha_bench_coverage');
  try {
    await migrateToLatest(scratch.db);
    const started = Date.now();
    const size = await generate(scratch.db);
    console.log(`generated on ${scratch.target.kind} in ${((Date.now() - started) / 1000).toFixed(1)} s:`, size);

    // The routes under test need no Temporal: the client is never called.
    const api = await buildApp({ services: { db: scratch.db, temporal: {} as never, taskQueue: 'bench' }, auth: { secret: SECRET } });
    const raw = Fastify({ logger: false });
    const today = new Date().toISOString().slice(0, 10);
    raw.get<{ Params: { id: string } }>('/raw/terms/:id/coverage', async (request) => {
      const term = await scratch.db.selectFrom('terms').selectAll().where('id', '=', request.params.id).executeTakeFirstOrThrow();
      await scratch.db.selectFrom('term_steps').selectAll().where('term_id', '=', term.id).execute();
      const scope = { rootId: term.scope_root_id, levels: term.scope_levels, startsOn: term.starts_on, endsOn: term.ends_on };
      const [organizations, inspections] = await Promise.all([organizationsInScope(scratch.db, scope), inspectionsInScope(scratch.db, scope)]);
      return { organizations, inspections };
    });
    raw.get('/raw/statistics', async () => ({ rows: await countStatistics(scratch.db, { from: '0000-01-01', to: '9999-12-31' }, today) }));
    const token = await mintToken({ secret: SECRET }, office);

    const calls = [
      { name: 'GET /terms/:id/coverage', api: `/api/v1/terms/${size.termId}/coverage`, raw: `/raw/terms/${size.termId}/coverage` },
      { name: 'GET /statistics', api: '/api/v1/statistics', raw: '/raw/statistics' },
    ];
    for (const call of calls) {
      const time = async (app: typeof raw, url: string, headers: Record<string, string>) => {
        const t = process.hrtime.bigint();
        const response = await app.inject({ method: 'GET', url, headers });
        if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
        return { ms: Number(process.hrtime.bigint() - t) / 1e6, bytes: response.rawPayload.length };
      };
      const apiTimes: number[] = [];
      const rawTimes: number[] = [];
      let bytes = { api: 0, raw: 0 };
      for (let i = 0; i < 3; i++) {
        await time(api as unknown as typeof raw, call.api, { authorization: `Bearer ${token}` });
        await time(raw, call.raw, {});
      }
      // Interleaved, so both sides see the same machine.
      for (let i = 0; i < samples; i++) {
        const a = await time(api as unknown as typeof raw, call.api, { authorization: `Bearer ${token}` });
        const r = await time(raw, call.raw, {});
        apiTimes.push(a.ms);
        rawTimes.push(r.ms);
        bytes = { api: a.bytes, raw: r.bytes };
      }
      const ratio = p50(apiTimes) / p50(rawTimes);
      console.log(`${call.name.padEnd(26)} API p50 ${p50(apiTimes).toFixed(1)} ms   raw p50 ${p50(rawTimes).toFixed(1)} ms   ratio ${ratio.toFixed(2)}×   bytes ${bytes.api} / ${bytes.raw}   (n ${samples}) ${ratio <= 1.2 ? 'met' : 'not met'} (≤ 1.2×)`);
    }
    await api.close();
    await raw.close();
  } finally {
    await scratch.drop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
