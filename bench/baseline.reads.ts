/**
 * The raw baseline for the bench's reads (d): a bare Fastify app, no auth, no schemas,
 * no views, whose routes run the SQL that the API's read endpoints run, written out
 * with the same query builder, and answer with the rows as JSON. What the API costs
 * above this is its own work: the token, validation and serialisation, access checks,
 * turning rows into views and computing the unmet criteria.
 *
 * KEEP IN STEP WITH THE SERVICES. Query for query, in the same order and with the same
 * concurrency, these mirror (as of main 668b3bd):
 *   GET /approvals                  api/approvals.service.ts `pending`: listAwaiting
 *                                   (db/inspections.repository.ts), one query: the submissions
 *                                   with their round's name and chains and their group (jsonArrayFrom),
 *                                   leaving out groups the caller belongs to (NOT EXISTS), a page of
 *                                   the default size plus one row (keyset on stage_opened_at, id);
 *                                   none when the caller holds no approver role
 *   GET /rounds/:roundId/progress   api/progress.service.ts `ofRound`: requireAccess 'round.progress'
 *                                   (role only, no query), loadRoundView → findRound (the round with
 *                                   its inspections and their groups, one query), then criteriaContexts
 *                                   (db/stage-gate.repository.ts: records, group, latest report sections
 *                                   of every inspection, one query; none for a round without inspections)
 *   GET /inspections/:id/history    api/inspections.service.ts `history`: loadInspection → findInspection
 *                                   (the inspection with its group and round, one query), requireAccess
 *                                   'inspection.read' (decided on the loaded members, no query), then
 *                                   listHistory (db/history.repository.ts)
 * When a service changes its queries, change the route here the same way, or the
 * ratio measures something else. The bench prints the queries per request of both
 * sides, which shows when they drift apart.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { jsonArrayFrom, jsonObjectFrom } from 'kysely/helpers/postgres';
import { LIST_DEFAULT_LIMIT } from '../api/list-paging.schemas.js';
import type { Database } from '../db/database.js';
import { APPROVER_ROLES } from '../workflows/roles.js';

/** An inspection's group, leader first, as a JSON array beside its row (as db/inspections.repository.ts `membersOf`). */
const groupOf = (eb: ExpressionBuilder<Database, 'inspections'>) =>
  jsonArrayFrom(
    eb
      .selectFrom('inspection_members')
      .select(['inspection_members.sub', 'inspection_members.name', 'inspection_members.home_unit', 'inspection_members.is_leader'])
      .whereRef('inspection_members.inspection_id', '=', 'inspections.id')
      .orderBy('inspection_members.is_leader', 'desc')
      .orderBy('inspection_members.sub'),
  ).as('members');

export async function buildRawReadsApp(db: Kysely<Database>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  // The caller the API would take from the token comes in the query string.
  app.get<{ Querystring: { sub: string; roles: string } }>('/raw/approvals', async (request) => {
    const { sub } = request.query;
    const roles = request.query.roles.split(',');
    const approverRoles = APPROVER_ROLES.filter((r) => roles.includes(r));
    if (approverRoles.length === 0) return { awaiting: [] };
    const awaiting = await db
      .selectFrom('inspections')
      .innerJoin('rounds', 'rounds.id', 'inspections.round_id')
      .selectAll('inspections')
      .select((eb) => ['rounds.name as round_name', 'rounds.approval_chains', groupOf(eb)])
      .select(sql<string>`to_char(inspections.stage_opened_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('stage_opened_at_text'))
      .where('inspections.state', '=', 'submitted')
      .where('inspections.awaiting_role', 'in', approverRoles)
      .where((eb) => eb.or([eb('inspections.submitted_by_sub', 'is', null), eb('inspections.submitted_by_sub', '!=', sub)]))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('inspection_members')
              .select('inspection_members.sub')
              .whereRef('inspection_members.inspection_id', '=', 'inspections.id')
              .where('inspection_members.sub', '=', sub),
          ),
        ),
      )
      .orderBy('inspections.stage_opened_at')
      .orderBy('inspections.id')
      .limit(LIST_DEFAULT_LIMIT + 1)
      .execute();
    return { awaiting };
  });

  app.get<{ Params: { roundId: string } }>('/raw/rounds/:roundId/progress', async (request) => {
    const round = await db
      .selectFrom('rounds')
      .selectAll('rounds')
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('inspections')
            .selectAll('inspections')
            .select((inner) => groupOf(inner))
            .whereRef('inspections.round_id', '=', 'rounds.id')
            .orderBy('inspections.position'),
        ).as('inspections'),
      )
      .where('rounds.id', '=', request.params.roundId)
      .executeTakeFirst();
    if (!round) return { round: null };
    const inspectionIds = round.inspections.map((i) => i.id);
    const contexts =
      inspectionIds.length === 0
        ? []
        : await db
            .selectFrom('inspections')
            .select((eb) => [
              'inspections.id',
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
    return { round, contexts };
  });

  app.get<{ Params: { id: string } }>('/raw/inspections/:id/history', async (request) => {
    const inspection = await db
      .selectFrom('inspections')
      .selectAll('inspections')
      .select((eb) => [
        groupOf(eb),
        jsonObjectFrom(
          eb
            .selectFrom('rounds')
            .select(['rounds.id', 'rounds.name', 'rounds.approval_chains'])
            .whereRef('rounds.id', '=', 'inspections.round_id'),
        ).as('round'),
      ])
      .where('inspections.id', '=', request.params.id)
      .executeTakeFirst();
    if (!inspection?.round) return { inspection: null };
    const steps = await db
      .selectFrom('inspection_events')
      .selectAll()
      .where('inspection_id', '=', request.params.id)
      .orderBy('seq')
      .execute();
    return { inspection, steps };
  });

  return app;
}
