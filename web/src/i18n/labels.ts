import type { Role } from '../../../workflows/roles';

// Words for what the API names in English ids. Stage and record-kind titles come from
// the stage model itself (STAGES, RECORD_KINDS); field labels fall back to the
// schema's own `title` or `description` when the API starts sending them.

export const ROLE_LABELS: Record<Role, string> = {
  office: '巡察办',
  leading_group: '巡察工作领导小组',
  party_committee: '党委',
  group_leader: '巡察组组长',
  member: '巡察组成员',
  auditor: '监督',
  discipline: '纪检监察',
  liaison: '被巡察单位联络人',
};

export const STATE_LABELS: Record<string, string> = {
  open: '进行中',
  submitted: '待审批',
  completed: '已完成',
  cancelled: '已撤销',
  active: '进行中',
  proposed: '待领导小组审批',
  returned: '已退回修改',
};

export const STEP_LABELS: Record<string, string> = {
  stage_opened: '阶段开始',
  submitted: '提交审批',
  approved: '批准',
  rejected: '退回',
  completed: '巡察完成',
  overdue: '逾期',
  escalated: '催办上报',
  cancelled: '撤销',
};

export const REVIEW_LABELS: Record<string, string> = { pending: '待审核', confirmed: '已确认', returned: '已退回' };
export const DECISION_LABELS: Record<string, string> = { pending: '待决定', approved: '同意', rejected: '不同意', recused: '需回避', not_recused: '无需回避' };
/** The buttons of a decision on a record, by the answer they send. */
export const DECISION_ANSWER_LABELS: Record<string, string> = { approve: '同意', reject: '不同意', recused: '需回避', not_recused: '无需回避' };

/** Field names of the record kinds' data, in words. */
export const FIELD_LABELS: Record<string, string> = {
  source: '来源',
  receivedOn: '收到日期',
  summary: '摘要',
  memberSub: '组员',
  hasRelation: '是否存在需回避的关系',
  relation: '关系说明',
  focus: '监督重点',
  schedule: '工作安排',
  keyMatters: '重点事项',
  heldOn: '召开日期',
  attendees: '参加人员',
  postedOn: '公告日期',
  phone: '举报电话',
  mailbox: '举报信箱',
  periodEnd: '进驻截止日期',
  on: '日期',
  interviewee: '谈话对象',
  documents: '调阅资料',
  channel: '来源渠道',
  place: '地点',
  question: '请示事项',
  proposedAction: '拟采取措施',
  category: '问题类别',
  title: '标题',
  facts: '问题事实',
  evidence: '证据',
  characterization: '定性',
  basis: '依据',
  article: '条款',
  persons: '涉及人员',
  isLead: '属于问题线索',
  withdrawn: '撤回',
  principalLeader: '主要负责人',
  answers: '逐项回应',
  problemId: '问题底稿',
  answer: '回应',
  items: '评价项目',
  comments: '意见',
  grade: '等次',
  comment: '评语',
  measure: '整改措施',
  owner: '责任人',
  dueOn: '完成时限',
  status: '状态',
  progress: '进展',
  handedTo: '移交对象',
  handedOn: '移交日期',
  receiptRef: '回执编号',
  response: '回应',
  accepted: '是否认可',
  item: '项目',
  score: '评分（1–5）',
};

/** Enum values in words, where the id alone would not do. */
export const VALUE_LABELS: Record<string, string> = {
  discipline: '纪检监察',
  organization: '组织人事',
  finance: '财务',
  audit: '审计',
  petition: '信访',
  open: '整改中',
  done: '已完成',
  carried_over: '长期整改',
  excellent: '优秀',
  competent: '称职',
  basically_competent: '基本称职',
  incompetent: '不称职',
};

export const labelOf = (field: string): string => FIELD_LABELS[field] ?? field;
export const valueLabel = (value: unknown): string => VALUE_LABELS[String(value)] ?? String(value);
