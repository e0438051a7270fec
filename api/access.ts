import { seesAllRounds, type Actor, type Role } from '../workflows/roles.js';
import { forbidden } from './errors.js';

export function requireRole(actor: Actor, ...roles: Role[]): void {
  if (!roles.some((role) => actor.roles.includes(role))) {
    throw forbidden(`this needs the role ${roles.join(' or ')}; your token has ${actor.roles.join(', ')}`);
  }
}

/**
 * Authority is per round ("一次一授权"): the office, leading group and auditors see
 * every inspection; anyone else only those of the group they were named to.
 */
export function requireInspectionReader(actor: Actor, members: { sub: string }[]): void {
  if (seesAllRounds(actor)) return;
  if (members.some((m) => m.sub === actor.sub)) return;
  throw forbidden('you are not a member of this inspection’s group');
}
