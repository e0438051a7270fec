import { z } from 'zod';

const hash = z.string().describe('SHA-256, hex');

export const checkpointView = z
  .object({
    inspectionId: z.uuid(),
    stepSeq: z.number().describe('the step that closed a stage; the history must still pass through it'),
    stepHash: hash,
    ledgerSeq: z.number().describe('the ledger entry that was the head then (0: none yet)'),
    ledgerHash: hash,
    signedAt: z.iso.datetime(),
    keyId: z.string().describe('which of GET /api/v1/signing-keys signed it'),
    signature: z.string().describe('Ed25519 over the canonical JSON of the fields above, with purpose "xuncha checkpoint v1"; base64'),
    valid: z.boolean(),
  })
  .describe('A signed checkpoint: both chain heads of the inspection when a stage closed');

export const ledgerMismatch = z
  .object({
    kind: z.enum(['only_in_database', 'only_in_temporal', 'different']),
    what: z.string().describe('what disagrees: "step 7", "request prep-approve-1", "member demo-member", "target", …'),
    problem: z.string(),
  })
  .describe("One disagreement between the database and the workflow's Temporal history");

export const verification = z
  .object({
    inspectionId: z.uuid(),
    intact: z.boolean().describe('every check below holds'),
    historyIntact: z.boolean().describe('the step chain recomputes'),
    recordsIntact: z.boolean().describe('every submission still digests to what it froze; no version was written into a frozen stage'),
    ledgerIntact: z.boolean().describe('the ledger recomputes and every covered row matches its latest entry'),
    signaturesValid: z.boolean().describe('every checkpoint verifies with a published key and the chains still pass through it; every closed stage has one'),
    ledgersAgree: z.boolean().describe("the database's steps, group and remembered answers agree with Temporal's history"),
    steps: z.number(),
    ledgerEntries: z.number().nullable().describe('null for a reader who does not read every lead: the count would tell that a lead exists'),
    firstBrokenSeq: z.number().nullable(),
    checkpoints: z.array(checkpointView).describe('empty for a reader who does not read every lead: the ledger heads move when a lead is written'),
    mismatches: z.array(ledgerMismatch),
    problems: z.array(z.string()),
  })
  .describe("Whether the inspection's record can be trusted, and every reason it cannot");
