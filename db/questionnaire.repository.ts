/**
 * The anonymous conduct questionnaire's storage: issues of one-time codes (kept as
 * hashes), the codes' one use, and the answers, which hold nothing of who gave them.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Actor } from '../workflows/roles.js';
import type { Database } from './database.js';

export interface CodeBatch {
  id: string;
  inspectionId: string;
  requestId: string;
  codeHashes: string[];
  actor: Actor;
  at: string;
}

export async function findBatch(db: Kysely<Database>, inspectionId: string, requestId: string) {
  return db
    .selectFrom('questionnaire_batches')
    .select(['id', 'count', 'issued_at'])
    .where('inspection_id', '=', inspectionId)
    .where('request_id', '=', requestId)
    .executeTakeFirst();
}

export async function insertBatch(tx: Transaction<Database>, batch: CodeBatch): Promise<void> {
  await tx
    .insertInto('questionnaire_batches')
    .values({
      id: batch.id,
      inspection_id: batch.inspectionId,
      request_id: batch.requestId,
      count: batch.codeHashes.length,
      issued_by_sub: batch.actor.sub,
      issued_by_name: batch.actor.name,
      issued_at: batch.at,
    })
    .execute();
  await tx
    .insertInto('questionnaire_codes')
    .values(batch.codeHashes.map((hash) => ({ code_hash: hash, inspection_id: batch.inspectionId, batch_id: batch.id })))
    .execute();
}

/** The inspection a code belongs to, and whether it was used; undefined for a code never issued. */
export async function findCode(db: Kysely<Database>, codeHash: string) {
  return db.selectFrom('questionnaire_codes').select(['inspection_id', 'used']).where('code_hash', '=', codeHash).executeTakeFirst();
}

/** Marks the code used; false when it already was (a concurrent answer got there first). */
export async function useCode(tx: Transaction<Database>, codeHash: string): Promise<boolean> {
  const used = await tx
    .updateTable('questionnaire_codes')
    .set({ used: true })
    .where('code_hash', '=', codeHash)
    .where('used', '=', false)
    .executeTakeFirst();
  return used.numUpdatedRows === 1n;
}

export interface NewAnswer {
  id: string;
  inspectionId: string;
  scores: Record<string, number>;
  comment: string | null;
  answeredOn: string;
}

export async function insertAnswer(tx: Transaction<Database>, answer: NewAnswer): Promise<void> {
  await tx
    .insertInto('questionnaire_answers')
    .values({
      id: answer.id,
      inspection_id: answer.inspectionId,
      scores: JSON.stringify(answer.scores),
      comment: answer.comment,
      answered_on: answer.answeredOn,
    })
    .execute();
}

/** The answers, by day and then by their random key: the order they came in stays unknown. */
export async function listAnswers(db: Kysely<Database>, inspectionId: string) {
  return db
    .selectFrom('questionnaire_answers')
    .select(['id', 'scores', 'comment', sql<string>`to_char(answered_on, 'YYYY-MM-DD')`.as('answered_on')])
    .where('inspection_id', '=', inspectionId)
    .orderBy('answered_on')
    .orderBy('id')
    .execute();
}

/** Codes issued and used so far. */
export async function codeCounts(db: Kysely<Database>, inspectionId: string) {
  const row = await db
    .selectFrom('questionnaire_codes')
    .select((eb) => [eb.fn.countAll<string>().as('issued'), eb.fn.countAll<string>().filterWhere('used', '=', true).as('used')])
    .where('inspection_id', '=', inspectionId)
    .executeTakeFirstOrThrow();
  return { issued: Number(row.issued), used: Number(row.used) };
}

/** Answers in and the round's minimum, for the exit criterion. */
export async function questionnaireTally(db: Kysely<Database>, inspectionId: string) {
  const row = await db
    .selectFrom('inspections')
    .innerJoin('rounds', 'rounds.id', 'inspections.round_id')
    .select(['rounds.questionnaire_min_answers', answerCount('inspections.id').as('answers')])
    .where('inspections.id', '=', inspectionId)
    .executeTakeFirst();
  return row ? { answers: Number(row.answers), minimumAnswers: row.questionnaire_min_answers } : undefined;
}

/** The number of answers of the inspection `id` names, as a subquery, so a round's progress stays one query. */
export function answerCount(inspectionIdColumn: 'inspections.id') {
  return sql<string>`(select count(*) from questionnaire_answers a where a.inspection_id = ${sql.ref(inspectionIdColumn)})`;
}

/** Every evaluated inspector of a round, with their home unit, group and the office's evaluation. */
export async function roundEvaluations(db: Kysely<Database>, roundId: string) {
  return db
    .selectFrom('inspections')
    .innerJoin('inspection_members as m', 'm.inspection_id', 'inspections.id')
    .leftJoin('records as r', (join) =>
      join
        .onRef('r.inspection_id', '=', 'inspections.id')
        .on('r.kind', '=', 'inspector_evaluation')
        .on(sql<string>`r.data->>'memberSub'`, '=', sql.ref('m.sub')),
    )
    .select([
      'inspections.id as inspection_id',
      'r.id as record_id',
      'r.version as record_version',
      'inspections.group_name',
      sql<string>`inspections.target->>'name'`.as('target_name'),
      'm.sub',
      'm.name',
      'm.home_unit',
      'm.is_leader',
      sql<string | null>`r.data->>'grade'`.as('grade'),
      sql<string | null>`r.data->>'comment'`.as('comment'),
      'r.updated_by_name as evaluated_by',
      'r.updated_at as evaluated_at',
    ])
    .where('inspections.round_id', '=', roundId)
    .orderBy('m.home_unit')
    .orderBy('inspections.position')
    .orderBy('m.is_leader', 'desc')
    .orderBy('m.sub')
    .execute();
}
