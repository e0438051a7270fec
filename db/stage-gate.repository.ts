/**
 * The submission's gate and the integrity checks over what it froze: exit criteria
 * read from the records, the digest of a stage's record versions, and the auditor's
 * recomputation of both.
 */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import { unmetCriteria, type CriteriaContext, type RecordSnapshot, type Unmet } from '../workflows/exit-criteria.js';
import { LEAD_KIND_IDS, QUESTIONNAIRE_MIN_ANSWERS, WRITTEN_REPORT_SECTIONS, type RecordKind, type StageId } from '../workflows/stages.js';
import { attachmentSetsForDigest } from './attachments.repository.js';
import type { Database } from './database.js';
import { canonicalJson } from './event-hash.js';
import { writeInspectionSteps, type InspectionSteps } from './history.repository.js';
import { lockInspection } from './inspections.repository.js';
import { InvariantViolation } from './invariant.js';
import { listRecords, VERSION_COLUMNS } from './records.repository.js';
import { answerCount, questionnaireTally } from './questionnaire.repository.js';
import { latestReportSections } from './report-sections.repository.js';

/** What the exit criteria read: current records, the whole group, the written report sections. */
export async function criteriaContext(db: Kysely<Database>, inspectionId: string): Promise<CriteriaContext> {
  const [records, members, sections, questionnaire, dossier] = await Promise.all([
    listRecords(db, inspectionId),
    db.selectFrom('inspection_members').select(['sub', 'name']).where('inspection_id', '=', inspectionId).orderBy('sub').execute(),
    latestReportSections(db, inspectionId),
    questionnaireTally(db, inspectionId),
    db.selectFrom('dossiers').select('manifest_sha256').where('inspection_id', '=', inspectionId).executeTakeFirst(),
  ]);
  return {
    questionnaire,
    dossier: dossier ? { manifestSha256: dossier.manifest_sha256 } : null,
    records: records.map(toSnapshot),
    members,
    reportSections: Object.fromEntries(
      WRITTEN_REPORT_SECTIONS.flatMap((s) => (sections.has(s) ? [[s, sections.get(s)!.text]] : [])),
    ),
  };
}

export function toSnapshot(row: {
  id: string;
  kind: RecordKind;
  data: Record<string, unknown>;
  review_status: RecordSnapshot['reviewStatus'];
  decision_status: RecordSnapshot['decisionStatus'];
}): RecordSnapshot {
  return { id: row.id, kind: row.kind, data: row.data, reviewStatus: row.review_status, decisionStatus: row.decision_status };
}

/** What a submission froze: the stage's record and report versions through `throughSeq`. */
export interface FrozenRecords {
  stage: StageId;
  versions: number;
  throughSeq: number;
  digest: string;
}

/**
 * Which of a stage's records a digest covers: the leads (and their hand-overs and
 * disposals) apart from everything else, so that the count and digest everyone reads
 * in the history say nothing about whether a lead exists.
 */
export type FrozenPart = 'records' | 'leads';

/**
 * A digest of every version of the stage's records of `part` (and, for the records of
 * reporting, of the report's sections) up to `throughSeq`. Stored in the hash-chained
 * `submitted` step, it lets an auditor show that what was approved is what the database
 * still holds.
 */
export async function digestStageRecords(
  db: Kysely<Database>,
  inspectionId: string,
  stage: StageId,
  throughSeq?: number,
  part: FrozenPart = 'records',
): Promise<FrozenRecords> {
  let versions = db
    .selectFrom('record_versions')
    .innerJoin('records', 'records.id', 'record_versions.record_id')
    .select([...VERSION_COLUMNS, 'record_versions.seq', 'record_versions.version', 'record_versions.data', 'records.kind'])
    .where('records.inspection_id', '=', inspectionId)
    .where('records.stage', '=', stage)
    .where('records.kind', part === 'leads' ? 'in' : 'not in', LEAD_KIND_IDS)
    .orderBy('record_versions.seq');
  let sections = db
    .selectFrom('report_section_versions')
    .select(['seq', 'section', 'version', 'text', 'actor_sub', 'actor_name', 'at'])
    .where('inspection_id', '=', inspectionId)
    .where(({ lit }) => lit(stage === 'reporting' && part === 'records'))
    .orderBy('seq');
  if (throughSeq !== undefined) {
    versions = versions.where('record_versions.seq', '<=', throughSeq);
    sections = sections.where('seq', '<=', throughSeq);
  }
  const [recordRows, sectionRows, attachmentSets] = await Promise.all([
    versions.execute(),
    sections.execute(),
    attachmentSetsForDigest(db, inspectionId, stage, throughSeq, part),
  ]);
  const content = {
    records: recordRows.map((v) => ({ ...v, at: new Date(v.at).toISOString() })),
    sections: sectionRows.map((v) => ({ ...v, at: new Date(v.at).toISOString() })),
    // Only when there are files, so digests of stages without any read as before attachments existed.
    ...(attachmentSets.length ? { attachments: attachmentSets } : {}),
  };
  const seqs = [...recordRows.map((r) => r.seq), ...sectionRows.map((r) => r.seq)];
  return {
    stage,
    versions: seqs.length,
    throughSeq: throughSeq ?? (seqs.length ? Math.max(...seqs) : 0),
    digest: createHash('sha256').update(canonicalJson(content)).digest('hex'),
  };
}

export interface StageSubmission extends InspectionSteps {
  stage: StageId;
}

/**
 * The submission, in one transaction: with the inspection locked, check the stage's
 * exit criteria against its records and, when all hold, digest what the stage froze
 * and write the `submitted` step (carrying that digest) with the projection that
 * marks the stage submitted, so no record write can follow and nobody ever sees a
 * frozen stage without its step. Idempotent: a retry after the commit finds the step
 * and answers with the digest it recorded.
 */
export async function submitStage(db: Kysely<Database>, submission: StageSubmission): Promise<{ unmet: Unmet[]; frozen: FrozenRecords | null; leads: FrozenRecords | null }> {
  const { inspectionId, stage } = submission;
  const step = submission.events.find((e) => e.kind === 'submitted');
  if (!step) throw new InvariantViolation(`inspection ${inspectionId}: a submission without its submitted step`);
  return db.transaction().execute(async (tx) => {
    const row = await lockInspection(tx, inspectionId);
    if (!row) throw new InvariantViolation(`inspection ${inspectionId} is not in the database`);
    if (row.last_seq >= step.seq) {
      const written = await tx
        .selectFrom('inspection_events')
        .select(['kind', 'data'])
        .where('inspection_id', '=', inspectionId)
        .where('seq', '=', step.seq)
        .executeTakeFirst();
      if (written?.kind !== 'submitted') throw new InvariantViolation(`inspection ${inspectionId}: step ${step.seq} is not this submission`);
      const { records, leads } = written.data as { records?: FrozenRecords; leads?: FrozenRecords };
      return { unmet: [], frozen: records ?? null, leads: leads ?? null };
    }
    // The workflow writes its steps in order, so the database must be exactly one step behind.
    if (row.last_seq !== step.seq - 1 || row.stage !== stage || row.state !== 'open') {
      throw new InvariantViolation(
        `inspection ${inspectionId} is at ${row.stage} (${row.state}, step ${row.last_seq}) in the database; the submission expected ${stage} open at step ${step.seq - 1}`,
      );
    }
    const unmet = unmetCriteria(stage, await criteriaContext(tx, inspectionId));
    if (unmet.length > 0) return { unmet, frozen: null, leads: null };
    const frozen = await digestStageRecords(tx, inspectionId, stage);
    const leads = await digestStageRecords(tx, inspectionId, stage, undefined, 'leads');
    const events = submission.events.map((e) => (e === step ? { ...e, data: { ...e.data, records: frozen, leads } } : e));
    await writeInspectionSteps(tx, { ...submission, events });
    return { unmet: [], frozen, leads };
  });
}

/**
 * Recomputes, for every submission in the history, the digest of what it froze, and
 * checks that each record's current row is its latest version.
 */
export async function verifyRecords(
  db: Kysely<Database>,
  inspectionId: string,
  submissions: { seq: number; frozen: FrozenRecords; leads?: FrozenRecords }[],
  parts: readonly FrozenPart[] = ['records', 'leads'],
): Promise<string[]> {
  const problems: string[] = [];
  for (const { seq, ...frozenParts } of submissions) {
    for (const part of parts) {
      const frozen = part === 'leads' ? frozenParts.leads : frozenParts.frozen;
      if (!frozen) continue;
      const now = await digestStageRecords(db, inspectionId, frozen.stage, frozen.throughSeq, part);
      if (now.digest !== frozen.digest || now.versions !== frozen.versions) {
        problems.push(`step ${seq}: the ${frozen.stage} ${part === 'leads' ? 'leads' : 'records'} submitted then are not the ones stored now`);
      }
    }
  }
  const current = await db
    .selectFrom('records')
    .innerJoin('record_versions', (join) =>
      join.onRef('record_versions.record_id', '=', 'records.id').onRef('record_versions.version', '=', 'records.version'),
    )
    .select([
      'records.id',
      'records.data as current',
      'record_versions.data as versioned',
      'records.review_status as currentReview',
      'record_versions.review_status as versionedReview',
      'records.decision_status as currentDecision',
      'record_versions.decision_status as versionedDecision',
    ])
    .where('records.inspection_id', '=', inspectionId)
    .where((eb) => (parts.includes('leads') ? eb.lit(true) : eb('records.kind', 'not in', LEAD_KIND_IDS)))
    .execute();
  const count = await db
    .selectFrom('records')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('inspection_id', '=', inspectionId)
    .where((eb) => (parts.includes('leads') ? eb.lit(true) : eb('kind', 'not in', LEAD_KIND_IDS)))
    .executeTakeFirstOrThrow();
  if (current.length !== Number(count.n)) problems.push('a record has no version matching its current state');
  for (const row of current) {
    if (
      canonicalJson(row.current) !== canonicalJson(row.versioned) ||
      row.currentReview !== row.versionedReview ||
      row.currentDecision !== row.versionedDecision
    ) {
      problems.push(`record ${row.id}: its current state differs from its latest version`);
    }
  }
  return problems;
}

/**
 * `criteriaContext` for many inspections in one query (a round's progress), keyed by
 * inspection id: the same records, group and latest report sections, in the same order.
 */
export async function criteriaContexts(db: Kysely<Database>, inspectionIds: string[]): Promise<Map<string, CriteriaContext>> {
  if (inspectionIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('inspections')
    .select((eb) => [
      'inspections.id',
      answerCount('inspections.id').as('questionnaire_answers'),
      eb.selectFrom('rounds').select('rounds.questionnaire_min_answers').whereRef('rounds.id', '=', 'inspections.round_id').as('questionnaire_min_answers'),
      eb.selectFrom('dossiers').select('dossiers.manifest_sha256').whereRef('dossiers.inspection_id', '=', 'inspections.id').as('dossier_manifest_sha256'),
      jsonArrayFrom(
        eb
          .selectFrom('records')
          .select(['records.id', 'records.kind', 'records.data', 'records.review_status', 'records.decision_status'])
          .whereRef('records.inspection_id', '=', 'inspections.id')
          .orderBy('records.created_at')
          .orderBy('records.id'),
      ).as('records'),
      jsonArrayFrom(
        eb
          .selectFrom('inspection_members')
          .select(['inspection_members.sub', 'inspection_members.name'])
          .whereRef('inspection_members.inspection_id', '=', 'inspections.id')
          .orderBy('inspection_members.sub'),
      ).as('members'),
      jsonArrayFrom(
        eb
          .selectFrom('report_section_versions')
          .distinctOn('report_section_versions.section')
          .select(['report_section_versions.section', 'report_section_versions.text'])
          .whereRef('report_section_versions.inspection_id', '=', 'inspections.id')
          .orderBy('report_section_versions.section')
          .orderBy('report_section_versions.version', 'desc'),
      ).as('sections'),
    ])
    .where('inspections.id', 'in', inspectionIds)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        records: row.records.map(toSnapshot),
        members: row.members,
        dossier: row.dossier_manifest_sha256 ? { manifestSha256: row.dossier_manifest_sha256 } : null,
        questionnaire: { answers: Number(row.questionnaire_answers), minimumAnswers: row.questionnaire_min_answers ?? QUESTIONNAIRE_MIN_ANSWERS },
        reportSections: Object.fromEntries(row.sections.map((s) => [s.section, s.text])),
      },
    ]),
  );
}
