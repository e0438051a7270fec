/**
 * What `GET …/history/verify` checks, each layer catching what the one before cannot:
 * the step chain and each submission's digest (an edit around the triggers), the
 * ledger over every other row that matters (a row changed, added or removed), the
 * signed checkpoints (a chain rewritten with its hashes recomputed), and Temporal's
 * history (anything the database alone could be made to agree with).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { listHistory, verifyChain, type HistoryEntry } from '../db/history.repository.js';
import { verifyCheckpoints, verifyLedger, type CheckpointView } from '../db/ledger.repository.js';
import { verifyRecords, type FrozenRecords } from '../db/stage-gate.repository.js';
import { LEAD_KIND_IDS } from '../workflows/stages.js';
import type { Services } from './plugins/services.plugin.js';
import { compareLedgers, readInspectionLedger, type LedgerMismatch, type TemporalLedger } from './temporal-ledger.js';
import { callWorkflow } from './temporal-errors.js';

export interface Verification {
  inspectionId: string;
  intact: boolean;
  historyIntact: boolean;
  recordsIntact: boolean;
  ledgerIntact: boolean;
  signaturesValid: boolean;
  ledgersAgree: boolean;
  steps: number;
  ledgerEntries: number | null;
  firstBrokenSeq: number | null;
  checkpoints: CheckpointView[];
  mismatches: LedgerMismatch[];
  problems: string[];
}

export async function verifyInspection(services: Services, inspectionId: string, reader: { leads: boolean }): Promise<Verification> {
  // Temporal first, then the database in one snapshot: a step is committed only after
  // its activity was scheduled, and an update completes only after its step, so a
  // transition in flight meanwhile is never taken for a missing or an extra step.
  const temporalSide = await readTemporalSide(services, inspectionId);
  return services.db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (db) => {
      const history = await listHistory(db, inspectionId);
      const chain = verifyChain(inspectionId, history);
      const submissions = history
        .filter((step) => step.kind === 'submitted' && step.data.records)
        .map((step) => ({ seq: step.seq, frozen: step.data.records as FrozenRecords, leads: step.data.leads as FrozenRecords | undefined }));
      const parts = reader.leads ? (['records', 'leads'] as const) : (['records'] as const);
      const recordProblems = [...(await verifyRecords(db, inspectionId, submissions, [...parts])), ...(await versionsAfterFreeze(db, inspectionId, history, reader.leads))];

      const ledger = await verifyLedger(db, inspectionId, 'inspection');
      const ledgerProblems = [...ledger.problems];
      for (const sub of await writersOf(db, inspectionId, history)) {
        ledgerProblems.push(...(await verifyLedger(db, `requests:${sub}`, `${sub}'s idempotent requests`)).problems);
      }

      const signatures = await verifyCheckpoints(db, inspectionId, services.signingKeys ?? { publicKeys: [] }, history, ledger.entries);

      const mismatches = temporalSide
        ? await compareWithTemporal(db, temporalSide, inspectionId, history)
        : [{ kind: 'only_in_database' as const, what: 'workflow', problem: "Temporal holds no history of this inspection's workflow to compare with" }];

      const problems = [...chain.problems, ...recordProblems, ...ledgerProblems, ...signatures.problems, ...mismatches.map((m) => m.problem)];
      return {
        inspectionId,
        intact: problems.length === 0,
        historyIntact: chain.intact,
        recordsIntact: recordProblems.length === 0,
        ledgerIntact: ledgerProblems.length === 0,
        signaturesValid: signatures.problems.length === 0,
        ledgersAgree: mismatches.length === 0,
        steps: chain.steps,
        ledgerEntries: ledger.entries.length,
        firstBrokenSeq: chain.firstBrokenSeq,
        checkpoints: signatures.checkpoints,
        mismatches,
        problems,
      };
    });
}

async function readTemporalSide(services: Services, inspectionId: string): Promise<TemporalLedger | undefined> {
  try {
    return await callWorkflow(() => readInspectionLedger(services.temporal, inspectionId));
  } catch (error) {
    // Deleted, or past the namespace's retention: nothing to compare with, which verify says.
    if (error instanceof WorkflowNotFoundError || (error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

async function compareWithTemporal(db: Kysely<Database>, temporalSide: TemporalLedger, inspectionId: string, history: HistoryEntry[]): Promise<LedgerMismatch[]> {
  const [inspection, members, results] = await Promise.all([
    db.selectFrom('inspections').select(['last_seq', 'target', 'group_name', 'leader_sub', 'leader_name']).where('id', '=', inspectionId).executeTakeFirstOrThrow(),
    db.selectFrom('inspection_members').select(['sub', 'name', 'is_deputy']).where('inspection_id', '=', inspectionId).execute(),
    db.selectFrom('request_results').select(['request_id', 'result']).where('inspection_id', '=', inspectionId).execute(),
  ]);
  return compareLedgers(temporalSide, {
    history,
    lastSeq: inspection.last_seq,
    requestResults: results.map((r) => ({ requestId: r.request_id, result: r.result })),
    target: inspection.target,
    groupName: inspection.group_name,
    leader: { sub: inspection.leader_sub, name: inspection.leader_name },
    members: members.map((m) => ({ sub: m.sub, name: m.name, isDeputy: m.is_deputy })),
  });
}

/**
 * A stage's last submission froze its versions through a sequence number; unless a
 * rejection reopened it since, any later version of that stage was slipped in around
 * the database's refusal.
 */
async function versionsAfterFreeze(db: Kysely<Database>, inspectionId: string, history: HistoryEntry[], readsLeads: boolean): Promise<string[]> {
  const frozen = new Map<string, { seq: number; throughSeq: number }>();
  for (const step of history) {
    const records = step.data.records as FrozenRecords | undefined;
    const leads = step.data.leads as FrozenRecords | undefined;
    // The leads are digested apart; the freeze covers every version up to the later of the two.
    if (step.kind === 'submitted' && records) frozen.set(step.stage, { seq: step.seq, throughSeq: Math.max(records.throughSeq, leads?.throughSeq ?? 0) });
    if (step.kind === 'rejected') frozen.delete(step.stage);
  }
  const problems: string[] = [];
  for (const [stage, { seq, throughSeq }] of frozen) {
    const late = await db
      .selectFrom('record_versions')
      .innerJoin('records', 'records.id', 'record_versions.record_id')
      .select(['record_versions.record_id', 'record_versions.version'])
      .where('records.inspection_id', '=', inspectionId)
      .where('records.stage', '=', stage as never)
      .where('record_versions.seq', '>', throughSeq)
      // Whoever does not read the leads is not told of one, not even a tampered one.
      .where((eb) => (readsLeads ? eb.lit(true) : eb('records.kind', 'not in', LEAD_KIND_IDS)))
      .execute();
    for (const v of late) problems.push(`record ${v.record_id} version ${v.version} was written into ${stage} after step ${seq} froze it`);
    if (stage === 'reporting') {
      const sections = await db
        .selectFrom('report_section_versions')
        .select(['section', 'version'])
        .where('inspection_id', '=', inspectionId)
        .where('seq', '>', throughSeq)
        .execute();
      for (const v of sections) problems.push(`report section ${v.section} version ${v.version} was written after step ${seq} froze the report`);
    }
  }
  return problems;
}

/** Everyone whose idempotent writes may concern this inspection: whoever wrote to it. */
async function writersOf(db: Kysely<Database>, inspectionId: string, history: HistoryEntry[]): Promise<string[]> {
  const rows = await db
    .selectFrom('record_versions')
    .innerJoin('records', 'records.id', 'record_versions.record_id')
    .select('record_versions.actor_sub')
    .distinct()
    .where('records.inspection_id', '=', inspectionId)
    .execute();
  const sections = await db.selectFrom('report_section_versions').select('actor_sub').distinct().where('inspection_id', '=', inspectionId).execute();
  return [...new Set([...rows.map((r) => r.actor_sub), ...sections.map((r) => r.actor_sub), ...history.map((s) => s.actor.sub)])].sort();
}
