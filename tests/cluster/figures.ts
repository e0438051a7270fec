import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** One round's figures, as the cluster tier records them for `npm run test:cluster -- --report`. */
export interface RoundFigures {
  round: string;
  inspections: number;
  completed: number;
  stepsLost: number;
  stepsDoubled: number;
  historiesIntact: number;
  /** 5xx answers the client saw, by status. */
  fiveHundreds: Record<string, number>;
  /** Requests whose connection died after they were sent (a process killed mid-request). */
  cutMidRequest: number;
  /** Requests refused because the process they went to was down (sent again elsewhere). */
  refused: number;
  /** From the fault to the first transition sent after it that succeeded; null without a fault. */
  recoverySeconds: number | null;
  roundSeconds: number;
}

export function recordFigures(figures: RoundFigures): void {
  const file = process.env.CLUSTER_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(figures)}\n`);
}

export function readFigures(file: string): RoundFigures[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RoundFigures);
}

export function figuresTable(rows: RoundFigures[]): string {
  const header = ['round', 'completed', 'steps lost', 'steps doubled', 'histories intact', '5xx seen', 'cut mid-request', 'refused (process down)', 'time to recover', 'round took'];
  const body = rows.map((r) => [
    r.round,
    `${r.completed}/${r.inspections}`,
    String(r.stepsLost),
    String(r.stepsDoubled),
    `${r.historiesIntact}/${r.inspections}`,
    Object.entries(r.fiveHundreds).map(([s, n]) => `${n}× ${s}`).join(', ') || '0',
    String(r.cutMidRequest),
    String(r.refused),
    r.recoverySeconds === null ? '—' : `${r.recoverySeconds.toFixed(1)} s`,
    `${r.roundSeconds.toFixed(0)} s`,
  ]);
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...body.map(line)].join('\n');
}
