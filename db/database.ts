import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { RecordSnapshot } from '../workflows/exit-criteria.js';
import type { InspectionEventKind, InspectionState, RoundStatus, Target, TransitionResult } from '../workflows/messages.js';
import type { ApproverRole } from '../workflows/roles.js';
import type { ApprovalChains, RecordKind, StageDueDays, StageId, WrittenReportSection } from '../workflows/stages.js';

/**
 * Column types come from the stage model; the CHECK constraints (or, for ids the
 * model lists, the only code that writes them) keep the stored values inside them.
 */
export type ReviewStatus = NonNullable<RecordSnapshot['reviewStatus']>;
export type DecisionStatus = NonNullable<RecordSnapshot['decisionStatus']>;
export type RecordChange = 'created' | 'edited' | 'reviewed' | 'decided';
export type RoundEventKind = 'launched' | Exclude<RoundStatus, 'active'>;
export type NotificationKind = 'overdue' | 'escalation';

/**
 * Every table, as the database holds it. These describe storage, not API shapes:
 * repositories map rows to the types the rest of the code uses.
 */
export interface Database {
  rounds: RoundTable;
  round_events: RoundEventTable;
  inspections: InspectionTable;
  inspection_members: InspectionMemberTable;
  inspection_events: InspectionEventTable;
  notifications: NotificationTable;
  request_results: RequestResultTable;
  records: RecordTable;
  record_versions: RecordVersionTable;
  report_section_versions: ReportSectionVersionTable;
  frozen_reports: FrozenReportTable;
  focus_area_events: FocusAreaEventTable;
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface RoundTable {
  id: string;
  name: string;
  year: number;
  planned_start: string;
  planned_end: string;
  focus: JSONColumnType<string[]>;
  approval_chains: JSONColumnType<ApprovalChains>;
  stage_due_days: JSONColumnType<StageDueDays>;
  escalate_after_hours: number;
  launched_by_sub: string;
  launched_by_name: string;
  launched_at: Timestamp;
  /** A projection of round_events. */
  status: RoundStatus;
  status_changed_at: Timestamp;
  status_reason: string | null;
}

export interface RoundEventTable {
  id: Generated<number>;
  round_id: string;
  kind: RoundEventKind;
  actor_sub: string;
  actor_name: string;
  at: Timestamp;
  comment: string | null;
  request_id: string | null;
}

export interface InspectionTable {
  id: string;
  round_id: string;
  position: number;
  /** Rows written before liaisons existed have no `liaison`. */
  target: JSONColumnType<Omit<Target, 'liaison'> & { liaison?: Target['liaison'] }>;
  group_name: string;
  leader_sub: string;
  leader_name: string;
  /** The fields below project the latest inspection_events row (seq = last_seq). */
  stage: StageId;
  state: InspectionState;
  awaiting_role: ApproverRole | null;
  submitted_by_sub: string | null;
  stage_opened_at: Timestamp;
  stage_due_at: Timestamp;
  overdue: boolean;
  last_seq: number;
}

export interface InspectionMemberTable {
  inspection_id: string;
  sub: string;
  name: string;
  home_unit: string | null;
  is_leader: boolean;
}

export interface InspectionEventTable {
  inspection_id: string;
  seq: number;
  kind: InspectionEventKind;
  stage: StageId;
  actor_sub: string;
  actor_name: string;
  actor_roles: JSONColumnType<string[]>;
  at: Timestamp;
  comment: string | null;
  request_id: string | null;
  data: JSONColumnType<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

export interface NotificationTable {
  id: string;
  round_id: string;
  inspection_id: string;
  kind: NotificationKind;
  recipient_role: ApproverRole;
  stage: StageId;
  message: string;
  created_at: Timestamp;
}

export interface RequestResultTable {
  inspection_id: string;
  request_id: string;
  action: TransitionResult['action'];
  stage: StageId;
  result: JSONColumnType<Record<string, unknown>>;
}

export interface RecordTable {
  id: string;
  inspection_id: string;
  kind: RecordKind;
  stage: StageId;
  data: JSONColumnType<Record<string, unknown>>;
  version: number;
  review_status: ReviewStatus | null;
  decision_status: DecisionStatus | null;
  created_by_sub: string;
  created_by_name: string;
  created_at: Timestamp;
  updated_by_sub: string;
  updated_by_name: string;
  updated_at: Timestamp;
}

export interface RecordVersionTable {
  seq: Generated<number>;
  record_id: string;
  version: number;
  change: RecordChange;
  data: JSONColumnType<Record<string, unknown>>;
  review_status: ReviewStatus | null;
  decision_status: DecisionStatus | null;
  note: string | null;
  actor_sub: string;
  actor_name: string;
  actor_roles: JSONColumnType<string[]>;
  at: Timestamp;
}

export interface ReportSectionVersionTable {
  seq: Generated<number>;
  inspection_id: string;
  section: WrittenReportSection;
  version: number;
  text: string;
  actor_sub: string;
  actor_name: string;
  at: Timestamp;
}

/** One approval of the chain that froze a report, as the history recorded it. */
export interface FrozenApproval {
  seq: number;
  role: ApproverRole;
  by: { sub: string; name: string };
  at: string;
  meeting: Record<string, unknown> | null;
}

export interface FrozenReportTable {
  inspection_id: string;
  approved_seq: number;
  frozen_at: Timestamp;
  report: JSONColumnType<Record<string, unknown>>;
  report_sha256: string;
  docx: Uint8Array;
  docx_sha256: string;
  approvals: JSONColumnType<FrozenApproval[]>;
}

export type FocusAreaChange = 'added' | 'deactivated';

/** The office's list of focus areas, append-only: the latest change per name is current. */
export interface FocusAreaEventTable {
  seq: Generated<number>;
  name: string;
  /** key_matters / key_problems / implementation (the four 落实) / other. */
  grouping: string;
  change: FocusAreaChange;
  actor_sub: string;
  actor_name: string;
  at: Timestamp;
  reason: string | null;
}
