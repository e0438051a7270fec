import type { Coverage, Organization, OrganizationWithHistory, Term } from '../api/register-queries';

// Keyed by the API's own enums, so a kind or level the API adds fails to compile here until it has its words.

export const ORGANIZATION_KIND_LABELS: Record<Organization['kind'], string> = {
  party_committee: '党委',
  party_group: '党组',
  working_committee: '党工委',
  general_branch: '党总支',
  branch: '党支部',
};

export const ORGANIZATION_LEVEL_LABELS: Record<Organization['level'], string> = {
  provincial: '省部级',
  department: '厅局级',
  county: '县处级',
  township: '乡科级',
  other: '其他',
};

export const ORGANIZATION_CHANGE_LABELS: Record<OrganizationWithHistory['history'][number]['change'], string> = {
  created: '登记',
  imported: '导入',
  edited: '修改',
  deactivated: '撤销',
};

/** The spreadsheet's columns by the field an import issue names (`rows.4.kind`). */
export const IMPORT_COLUMN_LABELS: Record<string, string> = {
  name: '名称',
  kind: '类型',
  level: '级别',
  parent: '上级党组织',
  principalLeader: '主要负责人',
  activeFrom: '起始日期',
  activeUntil: '终止日期',
};

export const TERM_STATUS_LABELS: Record<Term['status'], string> = { proposed: '待领导小组审批', returned: '已退回修改', approved: '已批准' };
export const TERM_STEP_LABELS: Record<Term['steps'][number]['kind'], string> = { proposed: '提交规划', edited: '修改规划', rejected: '退回', approved: '批准' };

export const COVERAGE_STATUS_LABELS: Record<Coverage['organizations'][number]['status'], string> = {
  covered: '已覆盖',
  planned: '已列入规划',
  not_covered: '未覆盖',
};
export const COVERAGE_STATUS_TONES: Record<Coverage['organizations'][number]['status'], string> = { covered: 'green', planned: 'gold', not_covered: 'red' };

export const RECTIFICATION_STATE_LABELS: Record<string, string> = { open: '整改中', returned: '验收退回', accepted: '验收通过', long_term: '长期整改' };
export const LEAD_RECIPIENT_LABELS: Record<string, string> = { discipline: '纪检监察机关', organization: '组织部门', other: '其他', not_handed_over: '尚未移交' };
export const LEAD_DISPOSAL_LABELS: Record<string, string> = {
  preliminary_verification: '初核',
  talk_or_inquiry: '谈话函询',
  held: '暂存待查',
  closed: '予以了结',
  none: '尚未处置',
};
