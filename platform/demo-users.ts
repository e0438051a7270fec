import type { Actor } from '../workflows/roles.js';

/**
 * The people `npm start` prints tokens for, one per role, so a newcomer can walk a
 * round end to end. The group leader and member are the ones to name in a launch.
 */
export const DEMO_USERS: Actor[] = [
  { sub: 'demo-office', name: '王巡察办', roles: ['office'] },
  { sub: 'demo-leading-group', name: '李领导小组', roles: ['leading_group'] },
  { sub: 'demo-group-leader', name: '张组长', roles: ['group_leader'] },
  { sub: 'demo-member', name: '赵组员', roles: ['member'] },
  { sub: 'demo-auditor', name: '陈审计', roles: ['auditor'] },
  { sub: 'demo-liaison', name: '刘联络人', roles: ['liaison'] },
];
