import type { Actor } from '../workflows/roles.js';

/**
 * The people `npm start` prints tokens for, one per role, so a newcomer can walk a
 * round end to end. The group leader and member are the ones to name in a launch.
 */
export const DEMO_USERS: Actor[] = [
  { sub: 'demo-office', name: '王巡察办', roles: ['office'] },
  // The office submits post-evaluation and approves it too: by another of its members.
  { sub: 'demo-office-deputy', name: '孙副主任', roles: ['office'] },
  { sub: 'demo-leading-group', name: '李领导小组', roles: ['leading_group'] },
  { sub: 'demo-party-committee', name: '刘书记', roles: ['party_committee'] },
  { sub: 'demo-group-leader', name: '张组长', roles: ['group_leader'] },
  { sub: 'demo-member', name: '赵组员', roles: ['member'] },
  { sub: 'demo-auditor', name: '陈审计', roles: ['auditor'] },
  { sub: 'demo-discipline', name: '孙纪检', roles: ['discipline'] },
  { sub: 'demo-liaison', name: '刘联络人', roles: ['liaison'] },
];
