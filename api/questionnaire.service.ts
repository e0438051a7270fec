import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import {
  codeCounts,
  findBatch,
  findCode,
  insertAnswer,
  insertBatch,
  listAnswers,
  questionnaireTally,
  roundEvaluations,
  useCode,
} from '../db/questionnaire.repository.js';
import { listRecords } from '../db/records.repository.js';
import type { Actor } from '../workflows/roles.js';
import { QUESTIONNAIRE_ITEMS, QUESTIONNAIRE_MIN_ANSWERS, QUESTIONNAIRE_SCORE } from '../workflows/stages.js';
import { requireAccess } from './access.js';
import { logConfidentialReads } from './access-log.js';
import { ApiError, conflict, notFound } from './errors.js';
import { inOpenStage } from './open-stage.js';
import { chinaDay, codeHash, newCode, normalizeCode } from './questionnaire-code.js';
import type { AnswerBody } from './questionnaire.schemas.js';
import { renderEvaluationsXlsx } from './inspector-evaluations-xlsx.js';
import { loadInspection, loadRoundView } from './views.js';

export const ANSWER_ROUTE = '/api/v1/questionnaire/:code';

const items = () => QUESTIONNAIRE_ITEMS.map(({ id, basis, title }) => ({ id, basis, title }));

// The answering side holds nothing but the code, so its refusals name only the code.
const unknownCode = () => notFound('questionnaire_code');
const usedCode = () => new ApiError(410, 'questionnaire_code_used', 'this questionnaire code has already been answered; each code answers once');
const closedQuestionnaire = () => conflict({ key: 'questionnaire_closed' });

async function closure(db: Kysely<Database>, inspectionId: string) {
  const [closed] = await listRecords(db, inspectionId, { kind: 'questionnaire_closure' });
  return closed ? { reason: String(closed.data.reason), recordId: closed.id } : null;
}

/**
 * The anonymous conduct questionnaire (作风纪律后评估): the office issues one-time
 * codes, each answers once without any other credential, and the answers are read
 * only by those who judge the group.
 */
export class QuestionnaireService {
  constructor(private readonly db: Kysely<Database>) {}

  /** A batch of codes, answered once: only their hashes are stored. */
  async issueCodes(actor: Actor, inspectionId: string, { count, requestId }: { count: number; requestId: string }) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'questionnaire.issue', inspection);
    const codes = Array.from({ length: count }, newCode);
    await inOpenStage(this.db, inspectionId, 'post_evaluation', async (tx) => {
      const earlier = await findBatch(tx, inspectionId, requestId);
      if (earlier) {
        throw conflict(
          `requestId ${requestId} already issued ${earlier.count} codes; codes are shown once only, so issue a new batch under a new requestId`,
          { requestId, count: earlier.count },
        );
      }
      if (await closure(tx, inspectionId)) throw closedQuestionnaire();
      await insertBatch(tx, { id: randomUUID(), inspectionId, requestId, codeHashes: codes.map((code) => codeHash(normalizeCode(code)!)), actor, at: new Date().toISOString() });
    });
    return { inspectionId, requestId, count, codes, answerAt: ANSWER_ROUTE };
  }

  /** The form a code opens: whom it is about and the items to score. */
  async form(typed: string) {
    const found = await this.findUsable(typed);
    const inspection = await loadInspection(this.db, found.inspectionId);
    const { row } = inspection;
    if (row.stage !== 'post_evaluation' || row.state !== 'open') throw conflict({ key: 'questionnaire_not_open' });
    if (await closure(this.db, row.id)) throw closedQuestionnaire();
    return { target: row.target.name, group: row.group_name, items: items(), score: { ...QUESTIONNAIRE_SCORE } };
  }

  /**
   * One answer per code. The code is spent and the answer stored in one transaction,
   * under the lock the submission takes, so an answer either counts before the stage
   * is frozen or is refused; nothing of the code or the caller goes into the answer.
   */
  async answer(typed: string, body: AnswerBody) {
    const found = await this.findUsable(typed);
    const answeredOn = chinaDay(new Date());
    await inOpenStage(this.db, found.inspectionId, 'post_evaluation', async (tx: Transaction<Database>) => {
      if (await closure(tx, found.inspectionId)) throw closedQuestionnaire();
      if (!(await useCode(tx, found.hash))) throw usedCode();
      await insertAnswer(tx, {
        id: randomUUID(),
        inspectionId: found.inspectionId,
        scores: body.scores,
        comment: body.comment || null,
        answeredOn,
      });
    });
    return { recorded: true as const, answeredOn };
  }

  /** Answers in, codes issued and used, each item's average: for the office, the leading group and auditors. */
  async summary(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    await requireAccess(this.db, actor, 'questionnaire.read', inspection);
    const [answers, codes, tally, closed] = await Promise.all([
      listAnswers(this.db, inspectionId),
      codeCounts(this.db, inspectionId),
      questionnaireTally(this.db, inspectionId),
      closure(this.db, inspectionId),
    ]);
    await logConfidentialReads(this.db, actor, 'GET /inspections/:id/questionnaire', [{ inspectionId, what: 'questionnaire_answers' }]);
    return {
      inspectionId,
      minimumAnswers: tally?.minimumAnswers ?? QUESTIONNAIRE_MIN_ANSWERS,
      codes,
      answers: answers.length,
      closed,
      items: items().map((item) => {
        const scores = answers.map((a) => a.scores[item.id]).filter((s): s is number => typeof s === 'number');
        return {
          ...item,
          average: scores.length ? Math.round((scores.reduce((n, s) => n + s, 0) / scores.length) * 100) / 100 : null,
          lowest: scores.length ? Math.min(...scores) : null,
        };
      }),
      responses: answers.map((a) => ({ answeredOn: a.answered_on, scores: a.scores, comment: a.comment })),
    };
  }

  /** Each inspector's evaluation, grouped by home unit, as a spreadsheet: the office sends each unit its sheet. */
  async evaluationsXlsx(actor: Actor, roundId: string) {
    await requireAccess(this.db, actor, 'round.evaluations');
    const round = await loadRoundView(this.db, roundId);
    const rows = await roundEvaluations(this.db, roundId);
    // Each evaluation in the spreadsheet is read, as it would be record by record.
    await logConfidentialReads(
      this.db,
      actor,
      'GET /rounds/:id/inspector-evaluations.xlsx',
      rows.flatMap((r) =>
        r.record_id && r.record_version !== null
          ? [{ inspectionId: r.inspection_id, what: 'inspector_evaluations' as const, record: { id: r.record_id, kind: 'inspector_evaluation', version: r.record_version } }]
          : [],
      ),
    );
    const file = await renderEvaluationsXlsx(
      round.name,
      rows.map((r) => ({
        unit: r.home_unit,
        name: r.name,
        group: r.group_name,
        isLeader: r.is_leader,
        target: r.target_name,
        grade: r.grade,
        comment: r.comment,
        evaluatedBy: r.evaluated_by,
        evaluatedOn: r.evaluated_at ? chinaDay(new Date(r.evaluated_at)) : null,
      })),
    );
    return { file, fileName: `${round.name}巡察干部现实表现评价.xlsx` };
  }

  private async findUsable(typed: string) {
    const code = normalizeCode(typed);
    if (!code) throw unknownCode();
    const hash = codeHash(code);
    const found = await findCode(this.db, hash);
    if (!found) throw unknownCode();
    if (found.used) throw usedCode();
    return { hash, inspectionId: found.inspection_id };
  }
}

/** The bucket a questionnaire request is counted in: per address and inspection, so guessing codes shares one strict bucket. */
export async function questionnaireRateKey(db: Kysely<Database>, ip: string, typed: string | undefined): Promise<string> {
  const code = typed ? normalizeCode(typed) : undefined;
  const found = code ? await findCode(db, codeHash(code)) : undefined;
  return `${ip}|${found?.inspection_id ?? 'unknown'}`;
}
