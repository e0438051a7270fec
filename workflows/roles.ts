/** Who uses the system (DOMAIN.md, "Who uses the system"). */
export const ROLES = ['office', 'leading_group', 'party_committee', 'group_leader', 'member', 'auditor', 'discipline', 'liaison'] as const;
export type Role = (typeof ROLES)[number];

/** Roles that may sit in a stage's approval chain: the people a group answers to. */
export const APPROVER_ROLES = ['office', 'leading_group', 'party_committee'] as const satisfies readonly Role[];
export type ApproverRole = (typeof APPROVER_ROLES)[number];

/**
 * Approvers who decide collectively, at a meeting (领导小组会议, 书记专题会): their
 * decisions must name the meeting that took them.
 */
export const MEETING_ROLES = ['leading_group', 'party_committee'] as const satisfies readonly ApproverRole[];

export function decidesAtMeeting(role: ApproverRole): boolean {
  return (MEETING_ROLES as readonly ApproverRole[]).includes(role);
}

/**
 * Roles that see every round; the others see only the inspections of their own group
 * (and `discipline` only the leads handed to it).
 */
export const ROUND_WIDE_ROLES = ['office', 'leading_group', 'party_committee', 'auditor'] as const satisfies readonly Role[];

/**
 * The verified caller. The API builds it from the bearer token and passes it into
 * every Update, so the recorded actor is never a name the client typed.
 */
export interface Actor {
  sub: string;
  name: string;
  roles: Role[];
}

export function hasRole(actor: Actor, role: Role): boolean {
  return actor.roles.includes(role);
}

export function seesAllRounds(actor: Actor): boolean {
  return ROUND_WIDE_ROLES.some((role) => actor.roles.includes(role));
}
