import type { Migration } from 'kysely';
import * as roundsAndInspections from './2026-11-28T0900-rounds-and-inspections.js';
import * as stageRecords from './2026-11-28T1400-stage-records.js';
import * as versionSequence from './2026-11-28T2200-version-sequence.js';
import * as idempotentRequests from './2026-11-29T0900-idempotent-requests.js';
import * as conductQuestionnaire from './2026-11-29T1000-conduct-questionnaire.js';
import * as frozenReports from './2026-11-29T1200-frozen-reports.js';
import * as roundAuthority from './2026-11-29T1200-round-authority.js';
import * as focusAreas from './2026-11-29T1210-focus-areas.js';
import * as auditTimelineAccessLog from './2026-11-29T1300-audit-timeline-access-log.js';
import * as coverageRegisterAndTerms from './2026-11-29T1400-coverage-register-and-terms.js';
import * as attachments from './2026-11-29T1350-attachments.js';
import * as auditLedger from './2026-11-29T1500-audit-ledger.js';
import * as messagesNoticeWords from './2026-11-29T1700-messages-notice-words.js';
import * as dossier from './2026-11-29T1800-dossier.js';

/**
 * Listed by hand rather than read from the folder, so the set of migrations is part
 * of the code (and of the bundle) instead of whatever files happen to be on disk.
 * Names sort in the order they must run.
 */
export const migrations: Record<string, Migration> = {
  '2026-11-28T0900-rounds-and-inspections': roundsAndInspections,
  '2026-11-28T1400-stage-records': stageRecords,
  '2026-11-28T2200-version-sequence': versionSequence,
  '2026-11-29T0900-idempotent-requests': idempotentRequests,
  '2026-11-29T1000-conduct-questionnaire': conductQuestionnaire,
  '2026-11-29T1200-frozen-reports': frozenReports,
  '2026-11-29T1200-round-authority': roundAuthority,
  '2026-11-29T1210-focus-areas': focusAreas,
  '2026-11-29T1300-audit-timeline-access-log': auditTimelineAccessLog,
  '2026-11-29T1350-attachments': attachments,
  '2026-11-29T1400-coverage-register-and-terms': coverageRegisterAndTerms,
  '2026-11-29T1500-audit-ledger': auditLedger,
  '2026-11-29T1700-messages-notice-words': messagesNoticeWords,
  '2026-11-29T1800-dossier': dossier,
};
