import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import {
  attachmentIdsAt,
  CHUNK_BYTES,
  DatabaseAttachmentStore,
  findRecordAttachment,
  inspectionHolds,
  inspectionUsage,
  insertAttachment,
  insertAttachmentSet,
  listRecordAttachments,
} from '../db/attachments.repository.js';
import type { Database } from '../db/database.js';
import { findRecord, updateRecord } from '../db/records.repository.js';
import { seesAllRounds, type Actor } from '../workflows/roles.js';
import { isGroupPerson, isTargetLiaison, kindRules, leadFilter, requireAccess } from './access.js';
import { sanitiseFileName, sniffMediaType } from './attachments-policy.js';
import type { AttachmentStore } from './attachments-store.js';
import { ApiError, conflict, ERROR_CODES, forbidden, notFound } from './errors.js';
import { inOpenStage } from './open-stage.js';
import { RecordsService } from './records.service.js';
import { loadInspection, type Inspection } from './views.js';

const MB = 1024 * 1024;

export interface AttachmentLimits {
  maxFileBytes: number;
  inspectionQuotaBytes: number;
}

export const DEFAULT_ATTACHMENT_LIMITS: AttachmentLimits = { maxFileBytes: 50 * MB, inspectionQuotaBytes: 2048 * MB };

export function attachmentLimitsOf(settings: { ATTACHMENT_MAX_FILE_MB: number; ATTACHMENT_INSPECTION_QUOTA_MB: number }): AttachmentLimits {
  return {
    maxFileBytes: Math.floor(settings.ATTACHMENT_MAX_FILE_MB * MB),
    inspectionQuotaBytes: Math.floor(settings.ATTACHMENT_INSPECTION_QUOTA_MB * MB),
  };
}

type AttachmentRow = Awaited<ReturnType<typeof listRecordAttachments>>[number];

export function toAttachmentView(row: AttachmentRow) {
  return {
    id: row.id,
    recordId: row.record_id,
    name: row.name,
    mediaType: row.media_type,
    size: Number(row.size),
    sha256: row.sha256,
    uploadedBy: { sub: row.uploaded_by_sub, name: row.uploaded_by_name },
    uploadedAt: new Date(row.uploaded_at).toISOString(),
  };
}

const tooLarge = (limits: AttachmentLimits) =>
  new ApiError(413, ERROR_CODES[413], { key: 'file_too_large', params: { maxBytes: limits.maxFileBytes } }, {
    limit: 'file_size',
    maxBytes: limits.maxFileBytes,
  });

const overQuota = (limits: AttachmentLimits, used: number) =>
  new ApiError(
    413,
    ERROR_CODES[413],
    { key: 'inspection_quota', params: { quotaBytes: limits.inspectionQuotaBytes, usedBytes: used } },
    { limit: 'inspection_quota', quotaBytes: limits.inspectionQuotaBytes, usedBytes: used },
  );

/**
 * Passes the upload on while checking it: the media type from its first chunk (before
 * a byte is stored) and the running size against both limits, so an oversized or
 * unwanted file is refused while it streams, never after it was held whole.
 */
async function* checked(
  source: AsyncIterable<Uint8Array>,
  name: string,
  limits: AttachmentLimits,
  quotaLeft: number,
  used: number,
  sniffed: (mediaType: string) => void,
): AsyncGenerator<Uint8Array> {
  let head: Buffer[] | null = [];
  let headBytes = 0;
  let size = 0;
  const count = (bytes: number) => {
    size += bytes;
    if (size > limits.maxFileBytes) throw tooLarge(limits);
    if (size > quotaLeft) throw overQuota(limits, used);
  };
  for await (const piece of source) {
    count(piece.byteLength);
    if (head) {
      head.push(Buffer.from(piece));
      headBytes += piece.byteLength;
      if (headBytes < CHUNK_BYTES) continue;
      const first = Buffer.concat(head, headBytes);
      head = null;
      sniffed(await sniffMediaType(first, name));
      yield first;
      continue;
    }
    yield piece;
  }
  if (head) {
    const first = Buffer.concat(head, headBytes);
    sniffed(await sniffMediaType(first, name));
    yield first;
  }
}

export interface Upload {
  fileName: string | undefined;
  content: AsyncIterable<Uint8Array>;
  /** The version the client saw; when given, a record changed since is a 409 as for a text edit. */
  version?: number;
}

/**
 * Evidence files on records. Each change of a record's files is a new version of the
 * record, as a text edit is: it needs the stage open, is covered by the submission's
 * digest, and sends a confirmed paper or decided request back for review.
 */
export class AttachmentsService {
  private readonly records: RecordsService;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly limits: AttachmentLimits = DEFAULT_ATTACHMENT_LIMITS,
    private readonly store: AttachmentStore = new DatabaseAttachmentStore(),
  ) {
    this.records = new RecordsService(db);
  }

  /** Checks who may attach before the body is read, so a refused caller's upload is never consumed. */
  async prepareUpload(actor: Actor, inspectionId: string, recordId: string) {
    const inspection = await loadInspection(this.db, inspectionId);
    const record = await this.loadShown(actor, inspection, recordId);
    await requireAccess(this.db, actor, 'record.write', { inspection, kind: record.kind });
    const { stage, state } = inspection.row;
    if (stage !== record.stage || state !== 'open') {
      throw conflict(
        stage === record.stage
          ? `stage ${stage} is ${state}: its records and their files are frozen`
          : `files can be attached to ${record.stage} records only while ${record.stage} is open; the inspection is at ${stage} (${state})`,
        { stage, state, recordStage: record.stage },
      );
    }
    return { inspection, record };
  }

  async upload(actor: Actor, inspectionId: string, recordId: string, upload: Upload) {
    const { record } = await this.prepareUpload(actor, inspectionId, recordId);
    const name = sanitiseFileName(upload.fileName);
    const id = randomUUID();
    // Bytes are written before the lock is taken, in the same transaction as the version
    // that references them: a refused or broken upload leaves nothing, and a slow client
    // holds no lock while it sends.
    await this.db.transaction().execute(async (tx) => {
      const used = await inspectionUsage(tx, inspectionId);
      let mediaType = '';
      const stored = await this.store.write(
        tx,
        checked(upload.content, name, this.limits, this.limits.inspectionQuotaBytes - used, used, (t) => (mediaType = t)),
      );
      await inOpenStage(tx, inspectionId, record.stage, async (locked) => {
        const usedNow = await inspectionUsage(locked, inspectionId);
        if (!(await inspectionHolds(locked, inspectionId, stored.sha256)) && usedNow + stored.size > this.limits.inspectionQuotaBytes) {
          throw overQuota(this.limits, usedNow);
        }
        const fresh = await this.freshVersion(locked, inspectionId, recordId, upload.version);
        const at = new Date().toISOString();
        await insertAttachment(locked, { id, inspectionId, recordId, sha256: stored.sha256, name, mediaType, size: stored.size, actor, at });
        const ids = await attachmentIdsAt(locked, recordId, fresh.version);
        await this.nextVersion(locked, fresh, actor, at, [...ids, id], `attached ${name} (sha256 ${stored.sha256})`);
      });
    });
    return this.list(actor, inspectionId, recordId, id);
  }

  /** Removing a file is a version without it; its bytes and its upload stay in the history. */
  async remove(actor: Actor, inspectionId: string, recordId: string, attachmentId: string, version: number) {
    const { record } = await this.prepareUpload(actor, inspectionId, recordId);
    await inOpenStage(this.db, inspectionId, record.stage, async (tx) => {
      const fresh = await this.freshVersion(tx, inspectionId, recordId, version);
      const ids = await attachmentIdsAt(tx, recordId, fresh.version);
      if (!ids.includes(attachmentId)) throw notFound('attachment', attachmentId, { thing: 'current_record', id: recordId, how: 'on' });
      const row = (await listRecordAttachments(tx, recordId)).find((a) => a.id === attachmentId)!;
      await this.nextVersion(tx, fresh, actor, new Date().toISOString(), ids.filter((i) => i !== attachmentId), `removed ${row.name} (sha256 ${row.sha256})`);
    });
    return this.list(actor, inspectionId, recordId);
  }

  /** The files the record carries now, readable by whoever reads the record whole. */
  async list(actor: Actor, inspectionId: string, recordId: string, added?: string) {
    const record = await this.readable(actor, inspectionId, recordId);
    const [ids, rows] = await Promise.all([attachmentIdsAt(this.db, recordId, record.version), listRecordAttachments(this.db, recordId)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return {
      recordId,
      recordVersion: record.version,
      ...(added ? { added } : {}),
      attachments: ids.flatMap((i) => (byId.has(i) ? [toAttachmentView(byId.get(i)!)] : [])),
    };
  }

  /** One file's bytes, streamed: any file the record carries or once carried (its versions show them). */
  async download(actor: Actor, inspectionId: string, recordId: string, attachmentId: string) {
    await this.readable(actor, inspectionId, recordId);
    const row = await findRecordAttachment(this.db, recordId, attachmentId);
    if (!row) throw notFound('attachment', attachmentId, { thing: 'record', id: recordId });
    const content = await this.store.read(this.db, row.sha256);
    if (!content) throw notFound('attachment_bytes', attachmentId);
    return { attachment: toAttachmentView(row), content };
  }

  /**
   * Access exactly as the record's: a lead's files are as confidential as the lead
   * (absent to those who may not know of it), and the target's liaison reads the files
   * only of records it reads whole, never of a problem paper it sees cut down.
   */
  private async readable(actor: Actor, inspectionId: string, recordId: string) {
    const { inspection, row: record } = await this.records.readable(actor, inspectionId, recordId);
    const asTarget = isTargetLiaison(inspection, actor) && !seesAllRounds(actor) && !isGroupPerson(inspection, actor);
    const { writers, liaisonReads } = kindRules(record.kind);
    if (asTarget && !writers.includes('liaison') && typeof liaisonReads === 'object') {
      throw forbidden({ key: 'files_not_shown_to_target', params: { kind: record.kind } });
    }
    return record;
  }

  private async loadShown(actor: Actor, inspection: Inspection, recordId: string) {
    const row = await findRecord(this.db, inspection.row.id, recordId);
    if (!row || !(await leadFilter(this.db, inspection, actor))(row)) throw notFound('record', recordId, { thing: 'inspection', id: inspection.row.id });
    return row;
  }

  private async freshVersion(tx: Transaction<Database>, inspectionId: string, recordId: string, version: number | undefined) {
    const fresh = await findRecord(tx, inspectionId, recordId);
    if (!fresh) throw notFound('record', recordId, { thing: 'inspection', id: inspectionId });
    if (version !== undefined && fresh.version !== version) {
      throw conflict({ key: 'record_version_change', params: { current: fresh.version, yours: version } }, {
        currentVersion: fresh.version,
      });
    }
    return fresh;
  }

  /** The record's next version with a new set of files: reviewed or decided, it goes back to pending like a text edit. */
  private async nextVersion(
    tx: Transaction<Database>,
    fresh: NonNullable<Awaited<ReturnType<typeof findRecord>>>,
    actor: Actor,
    at: string,
    ids: string[],
    note: string,
  ) {
    const ok = await updateRecord(tx, fresh.id, fresh.version, {
      data: fresh.data,
      reviewStatus: fresh.review_status ? 'pending' : null,
      decisionStatus: fresh.decision_status ? 'pending' : null,
      change: 'edited',
      note,
      actor,
      at,
    });
    if (!ok) throw conflict({ key: 'record_changed_meanwhile' }, { currentVersion: fresh.version + 1 });
    await insertAttachmentSet(tx, fresh.id, fresh.version + 1, ids);
  }
}
