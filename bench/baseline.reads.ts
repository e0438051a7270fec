/**
 * The raw baseline for the bench's reads (d): a bare Fastify app, no auth, no schemas,
 * no views, whose routes run the SQL that the API's read endpoints run, written out,
 * and answer with the rows as JSON. What the API costs above this is its own work:
 * the token, validation and serialisation, access checks, turning rows into views and
 * computing the unmet criteria.
 *
 * KEEP IN STEP WITH THE API. Query for query, in the same order and with the same
 * concurrency, these mirror (as of main 2fa7237):
 *   GET /approvals                  api/routes/approvals.routes.ts: listAwaiting, listMembers, findRound per round
 *   GET /rounds/:roundId/progress   api/routes/progress.routes.ts: loadRoundView (round, inspections, members),
 *                                   then criteriaContext (records, members, report sections) per inspection
 *   GET /inspections/:id/history    api/routes/inspections.routes.ts: loadInspection (inspection, round, members),
 *                                   then listHistory
 * When a service changes its queries, change the route here the same way, or the
 * ratio measures something else. The bench prints the queries per request of both
 * sides, which shows when they drift apart.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

type Row = Record<string, unknown>;

async function rows(db: Kysely<Database>, query: ReturnType<typeof sql<Row>>): Promise<Row[]> {
  return (await query.execute(db)).rows;
}

const membersOf = (db: Kysely<Database>, inspectionIds: string[]) =>
  inspectionIds.length === 0
    ? Promise.resolve([])
    : rows(
        db,
        sql<Row>`select * from inspection_members where inspection_id in (${sql.join(inspectionIds)})
                 order by inspection_id, is_leader desc, sub`,
      );

const roundById = async (db: Kysely<Database>, roundId: string) =>
  (await rows(db, sql<Row>`select * from rounds where id = ${roundId}`))[0];

export async function buildRawReadsApp(db: Kysely<Database>): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });

  // The caller the API would take from the token comes in the query string.
  app.get<{ Querystring: { sub: string; roles: string } }>('/raw/approvals', async (request) => {
    const roles = request.query.roles.split(',');
    const awaiting = await rows(
      db,
      sql<Row>`select inspections.*, rounds.name as round_name
               from inspections inner join rounds on rounds.id = inspections.round_id
               where inspections.state = 'submitted'
                 and inspections.awaiting_role in (${sql.join(roles)})
                 and (inspections.submitted_by_sub is null or inspections.submitted_by_sub != ${request.query.sub})
               order by inspections.stage_opened_at`,
    );
    const members = await membersOf(
      db,
      awaiting.map((r) => String(r.id)),
    );
    const rounds: Row[] = [];
    for (const roundId of new Set(awaiting.map((r) => String(r.round_id)))) {
      const round = await roundById(db, roundId);
      if (round) rounds.push(round);
    }
    return { awaiting, members, rounds };
  });

  app.get<{ Params: { roundId: string } }>('/raw/rounds/:roundId/progress', async (request) => {
    const round = await roundById(db, request.params.roundId);
    const inspections = await rows(
      db,
      sql<Row>`select * from inspections where round_id = ${request.params.roundId} order by position`,
    );
    const members = await membersOf(
      db,
      inspections.map((i) => String(i.id)),
    );
    const contexts = [];
    for (const inspection of inspections) {
      const [records, group, sections] = await Promise.all([
        rows(db, sql<Row>`select * from records where inspection_id = ${inspection.id} order by created_at, id`),
        rows(db, sql<Row>`select sub, name from inspection_members where inspection_id = ${inspection.id} order by sub`),
        rows(
          db,
          sql<Row>`select * from report_section_versions where inspection_id = ${inspection.id} order by section, version desc`,
        ),
      ]);
      contexts.push({ inspectionId: inspection.id, records, members: group, sections });
    }
    return { round, inspections, members, contexts };
  });

  app.get<{ Params: { id: string } }>('/raw/inspections/:id/history', async (request) => {
    const [inspection] = await rows(db, sql<Row>`select * from inspections where id = ${request.params.id}`);
    if (!inspection) return { inspection: null };
    const round = await roundById(db, String(inspection.round_id));
    const members = await membersOf(db, [request.params.id]);
    const steps = await rows(
      db,
      sql<Row>`select * from inspection_events where inspection_id = ${request.params.id} order by seq`,
    );
    return { inspection, round, members, steps };
  });

  return app;
}
