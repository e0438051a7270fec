import { z } from 'zod';
import { ApiError, ERROR_CODES } from './errors.js';
import { saidIssue, type Said } from './messages.js';
import { nameText } from './record-schemas.js';

/** Kinds of party organisation (党组织), with the words people write in spreadsheets. */
export const ORGANIZATION_KINDS = {
  party_committee: '党委',
  party_group: '党组',
  working_committee: '党工委',
  general_branch: '党总支',
  branch: '党支部',
} as const;
export type OrganizationKind = keyof typeof ORGANIZATION_KINDS;

/** Levels (级别) a term's scope filters on, e.g. 县处级 for the seed's coverage goal. */
export const ORGANIZATION_LEVELS = {
  provincial: '省部级',
  department: '厅局级',
  county: '县处级',
  township: '乡科级',
  other: '其他',
} as const;
export type OrganizationLevel = keyof typeof ORGANIZATION_LEVELS;

const kindIds = Object.keys(ORGANIZATION_KINDS) as [OrganizationKind, ...OrganizationKind[]];
const levelIds = Object.keys(ORGANIZATION_LEVELS) as [OrganizationLevel, ...OrganizationLevel[]];

export const organizationKind = z
  .enum(kindIds)
  .describe(Object.entries(ORGANIZATION_KINDS).map(([id, label]) => `${id}: ${label}`).join(', '));
export const organizationLevel = z
  .enum(levelIds)
  .describe(Object.entries(ORGANIZATION_LEVELS).map(([id, label]) => `${id}: ${label}`).join(', '));

const text = (max: number) => z.string().trim().min(1).max(max);
export const isoDay = z.iso.date().describe('YYYY-MM-DD');

const fieldSchemas = {
  name: nameText(200).describe('the full name, unique in the register (e.g. 自治区交通运输综合行政执法局党委)'),
  kind: organizationKind,
  level: organizationLevel,
  parentId: z.uuid().nullable().describe('the organisation above it in the system’s tree; null for the root'),
  principalLeader: nameText(200).nullable().describe('主要负责人 (一把手)'),
  activeFrom: isoDay.describe('the day it came into being, or into the register'),
  activeUntil: isoDay.nullable().describe('the day it ceased to exist; set by a deactivation'),
};

export const organizationFields = z.object({
  ...fieldSchemas,
  parentId: fieldSchemas.parentId.default(null),
  principalLeader: fieldSchemas.principalLeader.default(null),
  activeUntil: fieldSchemas.activeUntil.default(null),
});
export type OrganizationFields = z.infer<typeof organizationFields>;

export const createOrganizationBody = organizationFields
  .refine((o) => o.activeUntil === null || o.activeUntil >= o.activeFrom, { path: ['activeUntil'], ...saidIssue('not_before_field', { other: 'activeFrom' }) })
  .describe('The office registers an organisation');

const version = z.number().int().min(1).describe('the version you edited; a stale one is refused (409)');

// No defaults here: a field left out keeps its value rather than being reset.
export const editOrganizationBody = z
  .object(fieldSchemas)
  .omit({ activeUntil: true })
  .partial()
  .extend({ version })
  .describe('The office changes an organisation: only the fields given change; each change is a new version. Deactivate it to end it');

export const deactivationBody = z
  .object({
    version,
    activeUntil: isoDay.describe('the last day it existed'),
    reason: text(2000).describe('why: merged, dissolved, moved out of the system…'),
  })
  .describe('The office deactivates an organisation: it stays in the register and its history, never deleted');

const actorView = z.object({ sub: z.string(), name: z.string() });

export const organizationView = z.object({
  id: z.uuid(),
  name: z.string(),
  kind: organizationKind,
  level: organizationLevel,
  parentId: z.uuid().nullable(),
  principalLeader: z.string().nullable(),
  activeFrom: z.string(),
  activeUntil: z.string().nullable(),
  active: z.boolean().describe('false once deactivated'),
  version: z.number(),
  changedAt: z.iso.datetime(),
});
export type OrganizationView = z.infer<typeof organizationView>;

export const organizationVersionView = z.object({
  version: z.number(),
  change: z.enum(['created', 'imported', 'edited', 'deactivated']),
  data: organizationFields.describe('the organisation as this version left it'),
  reason: z.string().nullable(),
  actor: actorView,
  at: z.iso.datetime(),
});

export const organizationWithHistory = organizationView.extend({
  history: z.array(organizationVersionView).describe('every version, oldest first: who changed what and when'),
});

export const organizationListQuery = z.object({
  active: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')),
  parentId: z.uuid().optional().describe('only the direct children of this organisation'),
  level: organizationLevel.optional(),
});

export const importResult = z.object({
  imported: z.number().describe('how many organisations the spreadsheet added'),
  organizations: z.array(organizationView),
});

export interface FieldIssue {
  field: string;
  message: string;
  /** The spreadsheet row (1-based, the header is row 1) an import issue is about. */
  row?: number;
  /** The message as a key of `API_MESSAGES`, worded in the caller's language when sent. */
  said?: Said;
}

/** The one 400 for input the schemas could not judge alone: every issue at once. */
export function invalidInput(issues: FieldIssue[]): ApiError {
  return new ApiError(400, ERROR_CODES[400], `invalid input: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`, { issues });
}
