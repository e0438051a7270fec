import type { ColumnType, Generated, JSONColumnType } from 'kysely';

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
}

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface RoundTable {
  id: string;
  name: string;
  year: number;
  planned_start: string;
  planned_end: string;
  focus: JSONColumnType<string[]>;
  approval_chains: JSONColumnType<Record<string, string[]>>;
  stage_due_days: JSONColumnType<Record<string, number>>;
  escalate_after_hours: number;
  launched_by_sub: string;
  launched_by_name: string;
  launched_at: Timestamp;
  /** A projection of round_events: active, completed or cancelled. */
  status: string;
  status_changed_at: Timestamp;
  status_reason: string | null;
}

export interface RoundEventTable {
  id: Generated<number>;
  round_id: string;
  kind: string;
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
  target: JSONColumnType<{
    name: string;
    principalLeader: string;
    extensions: { name: string; principalLeader: string }[];
    liaison?: { sub: string; name: string } | null;
  }>;
  group_name: string;
  leader_sub: string;
  leader_name: string;
  /** The fields below project the latest inspection_events row (seq = last_seq). */
  stage: string;
  state: string;
  awaiting_role: string | null;
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
  kind: string;
  stage: string;
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
  kind: string;
  recipient_role: string;
  stage: string;
  message: string;
  created_at: Timestamp;
}

export interface RequestResultTable {
  inspection_id: string;
  request_id: string;
  action: string;
  stage: string;
  result: JSONColumnType<Record<string, unknown>>;
}

export interface RecordTable {
  id: string;
  inspection_id: string;
  kind: string;
  stage: string;
  data: JSONColumnType<Record<string, unknown>>;
  version: number;
  review_status: string | null;
  decision_status: string | null;
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
  change: string;
  data: JSONColumnType<Record<string, unknown>>;
  review_status: string | null;
  decision_status: string | null;
  note: string | null;
  actor_sub: string;
  actor_name: string;
  actor_roles: JSONColumnType<string[]>;
  at: Timestamp;
}

export interface ReportSectionVersionTable {
  seq: Generated<number>;
  inspection_id: string;
  section: string;
  version: number;
  text: string;
  actor_sub: string;
  actor_name: string;
  at: Timestamp;
}
