import type { Kysely } from 'kysely';
import type { Database, RecordVersionTable } from '../db/database.js';
import { findRound } from '../db/rounds.repository.js';
import type { InspectionState, RoundStatus } from '../workflows/messages.js';
import type { Actor, ApproverRole } from '../workflows/roles.js';
import type { StageId } from '../workflows/stages.js';
import { inspectionsKeptFrom, requireAccess } from './access.js';
import { logConfidentialReads, recordReads } from './access-log.js';
import { notFound } from './errors.js';
import { toRecordView } from './records.service.js';
import { TimelineService } from './timeline.service.js';
import { inspectionName, waitingOnOf } from './views.js';

type RecordRow = Parameters<typeof toRecordView>[0];
type VerdictRow = NonNullable<Parameters<typeof toRecordView>[1]>[number];
type VersionRow = Omit<RecordVersionTable, 'seq' | 'data' | 'actor_roles' | 'at'> & {
  data: Record<string, unknown>;
  at: Date;
  inspection_id: string;
  kind: RecordRow['kind'];
  stage: StageId;
};

/** The round's own status at a moment: the last of its authorisation steps and events by then. */
function roundStatusAt(steps: { kind: string; at: Date | string }[]): RoundStatus | null {
  const STATUS: Record<string, RoundStatus> = {
    proposed: 'proposed',
    edited: 'proposed',
    rejected: 'returned',
    approved: 'active',
    launched: 'active',
    completed: 'completed',
    cancelled: 'cancelled',
  };
  const last = steps.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime()).at(-1);
  return last ? STATUS[last.kind]! : null;
}

interface Folded {
  stage: StageId;
  state: InspectionState;
  awaitingRole: ApproverRole | null;
  stageOpenedAt: string;
  overdue: boolean;
}

/**
 * An inspection's status after its steps up to a moment, folded as the workflow moved
 * it: a submission waits on the chain's first approver, each approval names the next,
 * a rejection reopens, the last approval is followed by the next stage's opening.
 */
function foldSteps(
  steps: { kind: string; stage: StageId; at: Date | string; data: Record<string, unknown> }[],
  chains: Partial<Record<StageId, ApproverRole[]>>,
): Folded | null {
  let status: Folded | null = null;
  for (const step of steps) {
    const at = new Date(step.at).toISOString();
    if (step.kind === 'stage_opened') status = { stage: step.stage, state: 'open', awaitingRole: null, stageOpenedAt: at, overdue: false };
    if (!status) continue;
    if (step.kind === 'submitted') status = { ...status, state: 'submitted', awaitingRole: chains[step.stage]?.[0] ?? null };
    if (step.kind === 'approved') status = { ...status, awaitingRole: (step.data.next as ApproverRole | undefined) ?? null };
    if (step.kind === 'rejected') status = { ...status, state: 'open', awaitingRole: null };
    if (step.kind === 'overdue' && !step.data.record) status = { ...status, overdue: true };
    if (step.kind === 'completed') status = { ...status, state: 'completed', awaitingRole: null };
    if (step.kind === 'cancelled') status = { ...status, state: 'cancelled', awaitingRole: null };
  }
  return status;
}

/** Each record as the records API showed it at the moment: its last version by then, with its reviews and decisions by then. */
function recordsAt(versions: VersionRow[]) {
  const byRecord = new Map<string, VersionRow[]>();
  for (const v of versions) byRecord.set(v.record_id, [...(byRecord.get(v.record_id) ?? []), v]);
  return [...byRecord.values()]
    .map((chain) => {
      const first = chain[0]!;
      const last = chain.at(-1)!;
      const row: RecordRow = {
        id: first.record_id,
        inspection_id: first.inspection_id,
        kind: first.kind,
        stage: first.stage,
        data: last.data,
        version: last.version,
        review_status: last.review_status,
        decision_status: last.decision_status,
        created_by_sub: first.actor_sub,
        created_by_name: first.actor_name,
        created_at: first.at,
        updated_by_sub: last.actor_sub,
        updated_by_name: last.actor_name,
        updated_at: last.at,
      };
      const verdicts: VerdictRow[] = (['reviewed', 'decided'] as const).flatMap((change) => {
        const latest = chain.filter((v) => v.change === change).at(-1);
        return latest ? [{ ...latest, record_id: latest.record_id, change }] : [];
      });
      return toRecordView(row, verdicts);
    })
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1));
}

/** The round as it stood at any moment, rebuilt from the append-only tables alone. */
export class AsOfService {
  constructor(private readonly db: Kysely<Database>) {}

  async round(actor: Actor, roundId: string, at: Date, paging: { limit: number; cursor?: string }) {
    const { db } = this;
    await requireAccess(db, actor, 'round.audit');
    const round = await findRound(db, roundId);
    if (!round) throw notFound('round', roundId);
    const moment = at.toISOString();
    const [authorisation, roundEvents, steps, versions] = await Promise.all([
      db.selectFrom('round_authorisation_steps').select(['kind', 'at']).where('round_id', '=', roundId).where('at', '<=', at).execute(),
      db.selectFrom('round_events').select(['kind', 'at']).where('round_id', '=', roundId).where('at', '<=', at).execute(),
      db
        .selectFrom('inspection_events')
        .innerJoin('inspections', 'inspections.id', 'inspection_events.inspection_id')
        .select(['inspection_events.inspection_id', 'inspection_events.kind', 'inspection_events.stage', 'inspection_events.at', 'inspection_events.data'])
        .where('inspections.round_id', '=', roundId)
        .where('inspection_events.at', '<=', at)
        .orderBy('inspection_events.inspection_id')
        .orderBy('inspection_events.seq')
        .execute(),
      db
        .selectFrom('record_versions as v')
        .innerJoin('records as r', 'r.id', 'v.record_id')
        .innerJoin('inspections as i', 'i.id', 'r.inspection_id')
        .select([
          'v.record_id',
          'v.version',
          'v.change',
          'v.data',
          'v.review_status',
          'v.decision_status',
          'v.note',
          'v.actor_sub',
          'v.actor_name',
          'v.at',
          'r.inspection_id',
          'r.kind',
          'r.stage',
        ])
        .where('i.round_id', '=', roundId)
        .where('v.at', '<=', at)
        .orderBy('v.record_id')
        .orderBy('v.version')
        .execute(),
    ]);
    const records = recordsAt(versions as VersionRow[]);
    const keptFrom = await inspectionsKeptFrom(db, actor, roundId);
    const inspections = round.inspections.flatMap((inspection) => {
      if (keptFrom.has(inspection.id)) return [];
      const status = foldSteps(
        steps.filter((s) => s.inspection_id === inspection.id),
        round.approval_chains,
      );
      if (!status) return [];
      return [
        {
          id: inspection.id,
          name: inspectionName(inspection),
          stage: status.stage,
          state: status.state,
          waitingOn: waitingOnOf(status.stage, status.state, status.awaitingRole, inspection.leader_sub),
          stageOpenedAt: status.stageOpenedAt,
          overdue: status.overdue,
          records: records.filter((r) => r.inspectionId === inspection.id),
        },
      ];
    });
    const timeline = await new TimelineService(db).forRound(actor, roundId, { ...paging, to: moment });
    await logConfidentialReads(db, actor, 'GET /rounds/:id/as-of', recordReads('as_of', inspections.flatMap((i) => i.records)));
    return {
      roundId,
      at: moment,
      status: roundStatusAt([...authorisation, ...roundEvents]),
      inspections,
      timeline: { items: timeline.items, nextCursor: timeline.nextCursor },
    };
  }
}

