import { SAMPLE_FOCUS } from '../../platform/sample-stage-work.js';
import type { Actor } from '../../workflows/roles.js';

/** The cast of a realistic round: an office, a leading group, two groups, an auditor. */
export const office: Actor = { sub: 'office-wang', name: '王主任', roles: ['office'] };
export const officeDeputy: Actor = { sub: 'office-sun', name: '孙副主任', roles: ['office'] };
export const leadingGroup: Actor = { sub: 'lg-li', name: '李书记', roles: ['leading_group'] };
export const partyCommittee: Actor = { sub: 'pc-liu', name: '刘书记', roles: ['party_committee'] };
export const auditor: Actor = { sub: 'audit-chen', name: '陈审计', roles: ['auditor'] };
export const leaderOne: Actor = { sub: 'gl-zhang', name: '张组长', roles: ['group_leader'] };
export const leaderTwo: Actor = { sub: 'gl-zhou', name: '周组长', roles: ['group_leader'] };
export const memberOne: Actor = { sub: 'm-zhao', name: '赵组员', roles: ['member'] };
export const memberTwo: Actor = { sub: 'm-qian', name: '钱组员', roles: ['member'] };
export const outsider: Actor = { sub: 'm-wu', name: '吴干部', roles: ['member'] };
/** Each target's liaison (联络人): the first target's, the second's. */
export const liaisonOne: Actor = { sub: 'liaison-he', name: '何联络员', roles: ['liaison'] };
export const liaisonTwo: Actor = { sub: 'liaison-gao', name: '高联络员', roles: ['liaison'] };

/** Who works an inspection led by `leader`, for recording its stages. */
export function castOf(leader: Actor) {
  const members = leader.sub === leaderTwo.sub ? [memberTwo] : leader.sub === leaderOne.sub ? [memberOne] : [];
  const liaison = leader.sub === leaderTwo.sub ? liaisonTwo : leader.sub === leaderOne.sub ? liaisonOne : undefined;
  return { leader, members, office, officeDeputy, leadingGroup, partyCommittee, liaison };
}

export function launchBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '2021年第三轮巡察',
    year: 2021,
    plannedStart: '2021-10-08',
    plannedEnd: '2021-12-31',
    focus: SAMPLE_FOCUS,
    inspections: [
      {
        target: {
          name: '自治区交通运输综合行政执法局',
          principalLeader: '马局长',
          extensions: [{ name: '阿拉山口口岸国际道路运输管理局', principalLeader: '哈局长' }],
          liaison: { sub: liaisonOne.sub, name: liaisonOne.name },
        },
        group: {
          name: '第一巡察组',
          leader: { sub: leaderOne.sub, name: leaderOne.name },
          members: [{ sub: memberOne.sub, name: memberOne.name, homeUnit: '厅机关纪委' }],
        },
      },
      {
        target: { name: '质监支队', principalLeader: '杨支队长', liaison: { sub: liaisonTwo.sub, name: liaisonTwo.name } },
        group: {
          name: '第二巡察组',
          leader: { sub: leaderTwo.sub, name: leaderTwo.name },
          members: [{ sub: memberTwo.sub, name: memberTwo.name, homeUnit: '财务审计处' }],
        },
      },
    ],
    ...overrides,
  };
}
