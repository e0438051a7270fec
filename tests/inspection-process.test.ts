import { describe, expect, it } from 'vitest';
import { InspectionProcess } from '../workflows/inspection-process.js';
import type { DecideStageInput, InspectionPlan, SubmitStageInput } from '../workflows/messages.js';
import { REFUSAL, Refusal } from '../workflows/refusal.js';
import type { Actor } from '../workflows/roles.js';
import { STAGE_IDS, chainProblems, resolveApprovalChains, resolveDueDays, stageOwner, type StageId } from '../workflows/stages.js';
import { leaderOne, leaderTwo, leadingGroup, memberOne, office, officeDeputy } from './support/people.js';

const HOUR = 60 * 60 * 1000;
const LAUNCHED = '2026-01-05T02:00:00.000Z';
const at = (hours: number) => new Date(Date.parse(LAUNCHED) + hours * HOUR).toISOString();

function plan(overrides: Partial<InspectionPlan> = {}): InspectionPlan {
  return {
    inspectionId: 'insp-1',
    roundId: 'round-1',
    position: 0,
    target: { name: '质监支队', principalLeader: '杨支队长', extensions: [], liaison: null },
    group: { name: '第一巡察组', leader: { sub: leaderOne.sub, name: leaderOne.name }, members: [] },
    approvalChains: resolveApprovalChains(),
    stageDueDays: resolveDueDays(),
    escalateAfterHours: 72,
    launchedBy: office,
    launchedAt: LAUNCHED,
    plannedStart: '2026-01-01',
    ...overrides,
  };
}

let n = 0;
const MEETING = { kind: '领导小组会议', heldOn: '2026-01-20', minutesRef: '巡领〔2026〕3号' };
const partyCommittee: Actor = { sub: 'pc-liu', name: '刘书记', roles: ['party_committee'] };
const approverOf = { office, leading_group: leadingGroup, party_committee: partyCommittee } as const;
/** The stage's owner submits it: the group leader for the group's stages, the office after the report. */
const submission = (stage: StageId, actor: Actor = stageOwner(stage) === 'office' ? office : leaderOne): SubmitStageInput => ({
  stage,
  actor,
  requestId: `s${++n}`,
  comment: null,
});
const decision = (stage: StageId, actor: Actor, decision: 'approve' | 'reject' = 'approve', comment: string | null = null): DecideStageInput => ({
  stage,
  actor,
  decision,
  requestId: `d${++n}`,
  comment,
  meeting: actor.roles.some((r) => r === 'leading_group' || r === 'party_committee') ? MEETING : null,
});

/** Validates, previews and commits, as the workflow does once the steps are recorded. */
function submit(process: InspectionProcess, input: SubmitStageInput, now = at(1)) {
  process.validateSubmit(input);
  const transition = process.submit(input, now);
  process.commit(transition);
  return transition;
}
function decide(process: InspectionProcess, input: DecideStageInput, now = at(2)) {
  process.validateDecide(input);
  const transition = process.decide(input, now);
  process.commit(transition);
  return transition;
}
function refusal(act: () => unknown): Refusal {
  try {
    act();
  } catch (error) {
    if (error instanceof Refusal) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

/** A process whose opening step is recorded and which stands at `stage`, open. */
function at_stage(stage: StageId, p = plan()): InspectionProcess {
  const process = new InspectionProcess(p);
  process.commit(process.opening());
  for (const s of STAGE_IDS) {
    if (s === stage) break;
    submit(process, submission(s));
    for (const role of p.approvalChains[s]) {
      // The office both submits and approves post-evaluation: another office member approves.
      decide(process, decision(s, role === 'office' && stageOwner(s) === 'office' ? officeDeputy : approverOf[role]));
    }
  }
  return process;
}

describe('the inspection process, without a server', () => {
  it('opens preparation at launch with its due date, as step 1', () => {
    const process = new InspectionProcess(plan());
    const opening = process.opening();
    expect(opening.events).toEqual([expect.objectContaining({ seq: 1, kind: 'stage_opened', stage: 'preparation', actor: office, at: LAUNCHED })]);
    expect(process.current.seq).toBe(0);
    process.commit(opening);
    expect(process.current).toMatchObject({ stage: 'preparation', state: 'open', seq: 1, stageDueAt: at(10 * 24) });
  });

  it('changes nothing until a previewed transition is committed', () => {
    const process = at_stage('preparation');
    const before = process.snapshot();
    const preview = process.submit(submission('preparation'), at(1));
    expect(preview.next.status.state).toBe('submitted');
    expect(process.snapshot()).toEqual(before);
    // A decision previewed but not committed (its write failed) leaves the submission pending too.
    process.commit(preview);
    const after = process.snapshot();
    process.decide(decision('preparation', leadingGroup), at(2));
    expect(process.snapshot()).toEqual(after);
  });

  it.each(STAGE_IDS.map((stage) => [stage] as const))('walks %s: submission, each approver of the chain in order, the next stage opened', (stage) => {
    const p = plan();
    const process = at_stage(stage, p);
    const chain = p.approvalChains[stage];
    const seq = process.current.seq;
    const submitted = submit(process, submission(stage));
    expect(submitted.events.map((e) => e.kind)).toEqual(['submitted']);
    const submitter = stageOwner(stage) === 'office' ? office : leaderOne;
    expect(submitted.result).toMatchObject({ action: 'submission', stage, recorded: ['submitted'] });
    expect(process.current).toMatchObject({ state: 'submitted', awaitingRole: chain[0], submittedBy: { sub: submitter.sub }, seq: seq + 1 });
    chain.forEach((role, i) => {
      const approver = role === 'office' && submitter === office ? officeDeputy : approverOf[role];
      const decided = decide(process, decision(stage, approver));
      const last = i === chain.length - 1;
      const following = STAGE_IDS[STAGE_IDS.indexOf(stage) + 1];
      const kinds = !last ? ['approved'] : following ? ['approved', 'stage_opened'] : ['approved', 'completed'];
      expect(decided.result?.recorded).toEqual(kinds);
      expect(decided.events[0]?.data).toMatchObject({ role, level: i + 1, of: chain.length });
      // Collective bodies' decisions carry the meeting that took them into the history.
      if (role !== 'office') expect(decided.events[0]?.data.meeting).toEqual(MEETING);
      if (!last) expect(process.current).toMatchObject({ stage, state: 'submitted', awaitingRole: chain[i + 1] });
      else if (following) expect(process.current).toMatchObject({ stage: following, state: 'open', awaitingRole: null, overdue: false });
      else expect(process.current).toMatchObject({ stage, state: 'completed' });
    });
    // Steps are numbered without gaps.
    expect(process.current.seq).toBe(seq + 1 + chain.length + 1);
  });

  it('reopens a stage rejected at the second level of its chain, and takes a new submission', () => {
    const process = at_stage('reporting');
    submit(process, submission('reporting'));
    decide(process, decision('reporting', office));
    const rejected = decide(process, decision('reporting', leadingGroup, 'reject', '问题定性不准'));
    expect(rejected.events).toEqual([
      expect.objectContaining({ kind: 'rejected', comment: '问题定性不准', data: { role: 'leading_group', level: 2, of: 3, meeting: MEETING } }),
    ]);
    expect(process.current).toMatchObject({ stage: 'reporting', state: 'open', awaitingRole: null, submittedBy: null });
    submit(process, submission('reporting'));
    expect(process.current.awaitingRole).toBe('office');
  });

  it('answers a repeated request id with the first result', () => {
    const process = at_stage('preparation');
    const input = submission('preparation');
    const first = submit(process, input);
    expect(() => process.validateSubmit(input)).not.toThrow();
    expect(process.previousResult(input.requestId)).toEqual(first.result);
  });

  const refusals: [string, (p: InspectionProcess) => void, string, RegExp][] = [
    ['a member submits', (p) => p.validateSubmit(submission('preparation', memberOne)), REFUSAL.forbidden, /leader/],
    ['another group’s leader submits', (p) => p.validateSubmit(submission('preparation', leaderTwo)), REFUSAL.forbidden, /leader/],
    ['the leader submits a stage that is not open', (p) => p.validateSubmit(submission('stationing')), REFUSAL.conflict, /preparation \(open\)/],
    ['a decision arrives with nothing submitted', (p) => p.validateDecide(decision('preparation', leadingGroup)), REFUSAL.conflict, /needs preparation to be submitted/],
  ];
  const ownerRefusals: [string, StageId, Actor, RegExp][] = [
    ['the group leader submits post-evaluation, which the office owns', 'post_evaluation', leaderOne, /office submits/],
    ['an office member of the group submits rectification', 'rectification', { sub: memberOne.sub, name: memberOne.name, roles: ['member', 'office'] }, /members of/],
  ];
  it.each(ownerRefusals)('refuses when %s', (_, stage, actor, message) => {
    const p = plan({ group: { ...plan().group, members: [{ sub: memberOne.sub, name: memberOne.name, homeUnit: null }] } });
    const process = at_stage(stage, p);
    const refused = refusal(() => process.validateSubmit(submission(stage, actor)));
    expect(refused.type).toBe(REFUSAL.forbidden);
    expect(refused.message).toMatch(message);
  });
  it.each(refusals)('refuses when %s', (_, act, type, message) => {
    const process = at_stage('preparation');
    const refused = refusal(() => act(process));
    expect(refused.type).toBe(type);
    expect(refused.message).toMatch(message);
    expect(refused.details).toMatchObject({ stage: 'preparation', state: 'open' });
  });

  const decisionRefusals: [string, (p: InspectionProcess) => void, string, RegExp][] = [
    ['the wrong role decides', (p) => p.validateDecide(decision('reporting', leadingGroup)), REFUSAL.forbidden, /waiting on office/],
    ['the submitter decides on their own submission', (p) => p.validateDecide(decision('reporting', { ...leaderOne, roles: ['group_leader', 'office'] })), REFUSAL.forbidden, /you made/],
    ['a rejection has no comment', (p) => p.validateDecide(decision('reporting', office, 'reject', '  ')), REFUSAL.conflict, /comment/],
    ['the decision names another stage', (p) => p.validateDecide(decision('drafting', office)), REFUSAL.conflict, /needs drafting to be submitted/],
    [
      'the leading group names no meeting',
      (p) => {
        decide(p, decision('reporting', office));
        p.validateDecide({ ...decision('reporting', leadingGroup), meeting: null });
      },
      REFUSAL.invalidInput,
      /meeting/,
    ],
    [
      'a member of the group holds the approving role too',
      (p) => p.validateDecide(decision('reporting', { sub: memberOne.sub, name: memberOne.name, roles: ['member', 'office'] })),
      REFUSAL.forbidden,
      /members of 第一巡察组/,
    ],
    [
      'one person decides at two levels of a chain',
      (p) => {
        const both: Actor = { sub: 'both', name: '兼任', roles: ['office', 'leading_group'] };
        decide(p, decision('reporting', both));
        p.validateDecide(decision('reporting', both));
      },
      REFUSAL.forbidden,
      /earlier level/,
    ],
  ];
  it.each(decisionRefusals)('refuses a decision when %s', (_, act, type, message) => {
    const process = at_stage('reporting', plan({ group: { ...plan().group, members: [{ sub: memberOne.sub, name: memberOne.name, homeUnit: null }] } }));
    submit(process, submission('reporting'));
    const refused = refusal(() => act(process));
    expect(refused.type).toBe(type);
    expect(refused.message).toMatch(message);
  });

  it('records a cancellation with who and why, and takes nothing after it', () => {
    const process = at_stage('stationing');
    submit(process, submission('stationing'));
    const cancelled = process.cancel({ actor: office, reason: '机构改革', requestId: 'c1' }, at(5));
    expect(cancelled.events).toEqual([expect.objectContaining({ kind: 'cancelled', actor: office, comment: '机构改革', stage: 'stationing' })]);
    process.commit(cancelled);
    expect(process.finished).toBe(true);
    expect(process.nextDeadline()).toBeUndefined();
    expect(refusal(() => process.validateSubmit(submission('stationing'))).type).toBe(REFUSAL.conflict);
  });
});

describe('deadlines, by the clock handed in', () => {
  it('flag the stage overdue once, at its due time, with a notice to the office', () => {
    const process = at_stage('preparation');
    const due = Date.parse(process.current.stageDueAt);
    expect(process.nextDeadline()).toBe(due);
    expect(process.checkDeadlines(due - 1).events).toEqual([]);
    const overdue = process.checkDeadlines(due);
    expect(overdue.events).toEqual([expect.objectContaining({ kind: 'overdue', stage: 'preparation', data: { dueAt: process.current.stageDueAt } })]);
    expect(overdue.notices).toEqual([expect.objectContaining({ kind: 'overdue', recipientRole: 'office' })]);
    process.commit(overdue);
    expect(process.current.overdue).toBe(true);
    expect(process.checkDeadlines(due + HOUR).events).toEqual([]);
    expect(process.nextDeadline()).toBeUndefined();
  });

  it('count preparation’s days from the planned start when the round is launched before it', () => {
    const early = new InspectionProcess(plan({ plannedStart: '2026-02-01' }));
    // 2026-02-01 00:00 in China Standard Time, plus preparation's ten days.
    expect(early.current).toMatchObject({ stageOpenedAt: LAUNCHED, stageDueAt: '2026-02-10T16:00:00.000Z' });
    const late = new InspectionProcess(plan({ plannedStart: '2021-10-08' }));
    expect(late.current.stageDueAt).toBe(at(10 * 24));
  });

  it('count each stage’s due date from when it opened, in the round’s days (fractions allowed)', () => {
    const process = at_stage('preparation', plan({ stageDueDays: { ...resolveDueDays(), stationing: 0.5 } }));
    submit(process, submission('preparation'), at(1));
    decide(process, decision('preparation', leadingGroup), at(30));
    expect(process.current).toMatchObject({ stage: 'stationing', stageOpenedAt: at(30), stageDueAt: at(42) });
  });

  it('escalate a submission once per approver, each level on its own clock', () => {
    const process = at_stage('reporting', plan({ escalateAfterHours: 10 }));
    submit(process, submission('reporting'), at(100));
    const due = Date.parse(process.current.stageDueAt);
    expect(process.nextDeadline()).toBe(Math.min(due, Date.parse(at(110))));
    const escalated = process.checkDeadlines(Date.parse(at(110)));
    expect(escalated.events).toEqual([expect.objectContaining({ kind: 'escalated', data: { waitingOn: 'office', since: at(100) } })]);
    expect(escalated.notices[0]?.kind).toBe('escalation');
    process.commit(escalated);
    expect(process.checkDeadlines(Date.parse(at(115))).events).toEqual([]);
    // The office approves at hour 120: the leading group's clock starts then.
    decide(process, decision('reporting', office), at(120));
    expect(process.checkDeadlines(Date.parse(at(129))).events).toEqual([]);
    expect(process.checkDeadlines(Date.parse(at(130))).events.map((e) => e.kind)).toEqual(['escalated']);
  });

  it('carry over continue-as-new: the snapshot restores state and remembered answers', () => {
    const process = at_stage('drafting');
    const input = submission('drafting');
    const first = submit(process, input);
    const restored = new InspectionProcess(plan(), process.snapshot());
    expect(restored.current).toEqual(process.current);
    expect(restored.previousResult(input.requestId)).toEqual(first.result);
    expect(() => restored.validateDecide(decision('drafting', officeDeputy))).not.toThrow();
  });
});

describe('approval chains a round may set', () => {
  it('must keep the reporting chain ending with the leading group and then the party committee', () => {
    expect(chainProblems(resolveApprovalChains())).toEqual([]);
    expect(chainProblems({ reporting: ['office', 'leading_group', 'party_committee'], drafting: ['leading_group'] })).toEqual([]);
    expect(chainProblems({ reporting: ['office', 'leading_group'] })).toEqual([
      { stage: 'reporting', message: 'the reporting chain must end with leading_group → party_committee', end: ['leading_group', 'party_committee'] },
    ]);
    expect(chainProblems({ reporting: ['party_committee', 'leading_group'] })).toHaveLength(1);
  });
});
