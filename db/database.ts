import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { RecordSnapshot } from '../workflows/exit-criteria.js';
import type { InspectionEventKind, InspectionState, Meeting, RoundPlan, RoundStatus, Target, TransitionResult } from '../workflows/messages.js';
import type { ApproverRole } from '../workflows/roles.js';
import type { ApprovalChains, RecordKind, StageDueDays, StageId, WrittenReportSection } from '../workflows/stages.js';

/**
 * Column types come from the stage model; the CHECK constraints (or, for ids the
 * model lists, the only code that writes them) keep the stored values inside them.
 */
export type ReviewStatus = NonNullable<RecordSnapshot['reviewStatus']>;
export type DecisionStatus = NonNullable<RecordSnapshot['decisionStatus']>;
export type RecordChange = 'created' | 'edited' | 'reviewed' | 'decided';
export type RoundEventKind = 'launched' | 'completed' | 'cancelled';
export type AuthorisationStepKind = 'proposed' | 'edited' | 'rejected' | 'approved';
export type NotificationKind = 'overdue' | 'escalation';

/**
 * Every table, as the database holds it. These describe storage, not API shapes:
 * repositories map rows to the types the rest of the code uses.
 */
export interface Database {
  rounds: RoundTable;
  round_events: RoundEventTable;
  round_authorisation_steps: RoundAuthorisationStepTable;
  inspections: InspectionTable;
  inspection_members: InspectionMemberTable;
  inspection_events: InspectionEventTable;
  notifications: NotificationTable;
  request_results: RequestResultTable;
  records: RecordTable;
  record_versions: RecordVersionTable;
  report_section_versions: ReportSectionVersionTable;
  questionnaire_batches: QuestionnaireBatchTable;
  questionnaire_codes: QuestionnaireCodeTable;
  questionnaire_answers: QuestionnaireAnswerTable;
  frozen_reports: FrozenReportTable;
  focus_area_events: FocusAreaEventTable;
  confidential_reads: ConfidentialReadTable;
  organizations: OrganizationTable;
  organization_versions: OrganizationVersionTable;
  terms: TermTable;
  term_steps: TermStepTable;
  attachment_chunks: AttachmentChunkTable;
  attachment_blobs: AttachmentBlobTable;
  attachments: AttachmentTable;
  attachment_sets: AttachmentSetTable;
  ledger_entries: LedgerEntryTable;
  checkpoints: CheckpointTable;
  dossiers: DossierTable;
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
  questionnaire_min_answers: Generated<number>;
  /** The plan as last proposed or edited; null for rounds launched before proposals existed. */
  proposal: JSONColumnType<RoundPlan | null, string | null, string | null>;
  /** Bumped by each edit of the proposal: an edit naming an older one is refused. */
  version: Generated<number>;
}

export interface RoundAuthorisationStepTable {
  round_id: string;
  seq: number;
  kind: AuthorisationStepKind;
  version: number;
  actor_sub: string;
  actor_name: string;
  actor_roles: JSONColumnType<string[]>;
  at: Timestamp;
  comment: string | null;
  meeting: JSONColumnType<Meeting | null, string | null, string | null>;
  request_id: string | null;
  plan: JSONColumnType<RoundPlan | null, string | null, string | null>;
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
  is_deputy: Generated<boolean>;
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
  /** The sentence as a key of the API's messages and its parameters, worded in the reader's language (null before they were kept). */
  code: string | null;
  params: JSONColumnType<Record<string, string> | null, string | null, string | null>;
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

/** One issue of questionnaire codes: how many and by whom; the codes themselves are never stored. */
export interface QuestionnaireBatchTable {
  id: string;
  inspection_id: string;
  request_id: string;
  count: number;
  issued_by_sub: string;
  issued_by_name: string;
  issued_at: Timestamp;
}

/** A one-time code, as its SHA-256 only; it remembers that it was used, not when or by whom. */
export interface QuestionnaireCodeTable {
  code_hash: string;
  inspection_id: string;
  batch_id: string;
  used: Generated<boolean>;
}

/** An anonymous answer: no code, no identity, no address, only the day. */
export interface QuestionnaireAnswerTable {
  id: string;
  inspection_id: string;
  scores: JSONColumnType<Record<string, number>>;
  comment: string | null;
  answered_on: ColumnType<string, string, never>;
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

export type ConfidentialReadWhat = 'record' | 'record_list' | 'as_of' | 'questionnaire_answers' | 'leads_report' | 'inspector_evaluations' | 'dossier';

/** One read of confidential material (a lead, a paper, an evaluation, the answers): who, when, what. Append-only. */
export interface ConfidentialReadTable {
  seq: ColumnType<string, never, never>;
  inspection_id: string;
  what: ConfidentialReadWhat;
  record_id: string | null;
  record_kind: string | null;
  record_version: number | null;
  actor_sub: string;
  actor_name: string;
  actor_roles: JSONColumnType<string[]>;
  route: string;
  at: ColumnType<Date, Date | string | undefined, never>;
}

/** One organisation of the register (被巡察党组织), as its latest version left it. */
export interface OrganizationTable {
  id: string;
  name: string;
  kind: string;
  level: string;
  parent_id: string | null;
  principal_leader: string | null;
  active_from: string;
  active_until: string | null;
  deactivated: Generated<boolean>;
  version: number;
  changed_at: Timestamp;
}

export type OrganizationChange = 'created' | 'imported' | 'edited' | 'deactivated';

/** Every version of an organisation, append-only: the register's history. */
export interface OrganizationVersionTable {
  organization_id: string;
  version: number;
  change: OrganizationChange;
  data: JSONColumnType<Record<string, unknown>>;
  reason: string | null;
  actor_sub: string;
  actor_name: string;
  at: Timestamp;
}

export type TermStatus = 'proposed' | 'returned' | 'approved';

/** A term plan (巡察规划): its scope in the register and which organisation goes to which year or round. */
export interface TermTable {
  id: string;
  name: string;
  starts_on: string;
  ends_on: string;
  scope_root_id: string | null;
  scope_levels: JSONColumnType<string[]>;
  assignments: JSONColumnType<{ organizationId: string; year: number; roundId?: string | null }[]>;
  status: TermStatus;
  status_changed_at: Timestamp;
  version: number;
  proposed_by_sub: string;
  proposed_by_name: string;
  proposed_at: Timestamp;
}

export interface TermStepTable {
  term_id: string;
  seq: number;
  kind: AuthorisationStepKind;
  version: number;
  actor_sub: string;
  actor_name: string;
  actor_roles: JSONColumnType<string[]>;
  at: Timestamp;
  comment: string | null;
  meeting: JSONColumnType<Meeting | null, string | null, string | null>;
  request_id: string | null;
}

/** A piece of an evidence file, named by the SHA-256 of its bytes. */
export interface AttachmentChunkTable {
  sha256: string;
  bytes: Uint8Array;
}

/** A whole file by its SHA-256: its size and its chunks' hashes in order. */
export interface AttachmentBlobTable {
  sha256: string;
  size: ColumnType<string, number, never>;
  chunks: JSONColumnType<string[]>;
}

/** One upload to a record: the sanitised name, the sniffed media type, who and when. */
export interface AttachmentTable {
  id: string;
  inspection_id: string;
  record_id: string;
  sha256: string;
  name: string;
  media_type: string;
  size: ColumnType<string, number, never>;
  uploaded_by_sub: string;
  uploaded_by_name: string;
  uploaded_at: Timestamp;
}

/** The attachments a record carries from this version on, until the next set. */
export interface AttachmentSetTable {
  record_id: string;
  version: number;
  attachment_ids: JSONColumnType<string[]>;
}

/**
 * The second chain: one entry per write of a covered row (plan, group, record and
 * report versions, remembered answers, frozen report), written by a trigger.
 * `scope` is an inspection id, or `requests:<sub>` for a person's idempotent writes.
 */
export interface LedgerEntryTable {
  scope: string;
  seq: number;
  source: string;
  source_key: string;
  content_hash: string | null;
  at: Generated<Date>;
  prev_hash: string;
  hash: string;
}

/** A stage closed: both chain heads of the inspection, signed with the worker's Ed25519 key. */
export interface CheckpointTable {
  inspection_id: string;
  step_seq: number;
  step_hash: string;
  ledger_seq: number;
  ledger_hash: string;
  signed_at: Timestamp;
  key_id: string;
  signature: string;
}

/** A sealed dossier (立卷归档): its zip in the attachment store and its manifest's digest. Append-only. */
export interface DossierTable {
  inspection_id: string;
  request_id: string;
  zip_sha256: string;
  size: ColumnType<string, number, never>;
  manifest_sha256: string;
  file_name: string;
  files: number;
  built_by_sub: string;
  built_by_name: string;
  built_at: Timestamp;
}
