import type { Kysely } from 'kysely';
import { DatabaseAttachmentStore } from '../db/attachments.repository.js';
import type { Database } from '../db/database.js';
import { lockInspection } from '../db/inspections.repository.js';
import type { Actor } from '../workflows/roles.js';
import { isNamedIn, requireAccess } from './access.js';
import { logConfidentialReads } from './access-log.js';
import type { AttachmentStore } from './attachments-store.js';
import { buildDossier } from './dossier-build.js';
import { conflict, forbidden, notFound } from './errors.js';
import type { Services } from './plugins/services.plugin.js';
import { loadInspection, type Inspection } from './views.js';

type DossierRow = Awaited<ReturnType<typeof findDossier>>;

async function findDossier(db: Kysely<Database>, inspectionId: string) {
  return db.selectFrom('dossiers').selectAll().where('inspection_id', '=', inspectionId).executeTakeFirst();
}

function view(row: NonNullable<DossierRow>) {
  return {
    inspectionId: row.inspection_id,
    requestId: row.request_id,
    sealedAt: new Date(row.built_at).toISOString(),
    sealedBy: { sub: row.built_by_sub, name: row.built_by_name },
    manifestSha256: row.manifest_sha256,
    sha256: row.zip_sha256,
    size: Number(row.size),
    files: row.files,
    fileName: row.file_name,
    download: `/api/v1/inspections/${row.inspection_id}/dossier.zip`,
  };
}

/**
 * 立卷归档: the office builds and seals an inspection's dossier once, while the archiving
 * stage is open; the office, the leading group and auditors download it. Nobody named
 * in the group reads it: it holds how the group was judged.
 */
export class DossierService {
  private readonly store: AttachmentStore;

  constructor(private readonly services: Services) {
    this.store = services.attachments?.store ?? new DatabaseAttachmentStore();
  }

  /**
   * Idempotent by `requestId`: the same request answers the sealed dossier again; a
   * new one after sealing is a 409, since a sealed dossier is never rebuilt.
   */
  async build(actor: Actor, inspectionId: string, requestId: string): Promise<{ created: boolean; dossier: ReturnType<typeof view> }> {
    const { db } = this.services;
    const inspection = await loadInspection(db, inspectionId);
    await requireAccess(db, actor, 'inspection.dossier_build');
    this.refuseGroup(inspection, actor);
    const existing = await findDossier(db, inspectionId);
    if (existing) return { created: false, dossier: this.sealedAnswer(existing, actor, requestId) };
    const { stage, state } = inspection.row;
    if (stage !== 'archiving' || state !== 'open') {
      throw conflict({ key: 'dossier_not_open', params: { stage, state } }, { stage, state });
    }
    const builtAt = new Date().toISOString();
    // Built outside the transaction (it reads Temporal and renders documents); the seal
    // below locks the inspection and takes the first dossier only.
    const built = await buildDossier(this.services, inspection, actor, builtAt);
    const fileName = `${inspection.row.target.name}巡察案卷.zip`;
    const sealed = await db.transaction().execute(async (tx) => {
      await lockInspection(tx, inspectionId);
      const raced = await findDossier(tx, inspectionId);
      if (raced) return { created: false, row: raced };
      const stored = await this.store.write(tx, (async function* () {
        yield built.zip;
      })());
      await tx
        .insertInto('dossiers')
        .values({
          inspection_id: inspectionId,
          request_id: requestId,
          zip_sha256: stored.sha256,
          size: stored.size,
          manifest_sha256: built.manifestSha256,
          file_name: fileName,
          files: built.files,
          built_by_sub: actor.sub,
          built_by_name: actor.name,
          built_at: builtAt,
        })
        .execute();
      return { created: true, row: (await findDossier(tx, inspectionId))! };
    });
    if (!sealed.created) return { created: false, dossier: this.sealedAnswer(sealed.row, actor, requestId) };
    return { created: true, dossier: view(sealed.row) };
  }

  /** The sealed dossier's particulars, or null before it is built. */
  async get(actor: Actor, inspectionId: string) {
    const inspection = await loadInspection(this.services.db, inspectionId);
    await requireAccess(this.services.db, actor, 'inspection.dossier_read');
    this.refuseGroup(inspection, actor);
    const row = await findDossier(this.services.db, inspectionId);
    return { inspectionId, dossier: row ? view(row) : null };
  }

  /** The zip, one stored chunk at a time; every download is a logged confidential read. */
  async download(actor: Actor, inspectionId: string) {
    const { db } = this.services;
    const inspection = await loadInspection(db, inspectionId);
    await requireAccess(db, actor, 'inspection.dossier_read');
    this.refuseGroup(inspection, actor);
    const row = await findDossier(db, inspectionId);
    if (!row) throw notFound('dossier', undefined, { thing: 'inspection', id: inspectionId });
    const content = await this.store.read(db, row.zip_sha256);
    if (!content) throw new Error(`the dossier of inspection ${inspectionId}: its file ${row.zip_sha256} is not in the store`);
    await logConfidentialReads(db, actor, 'GET /inspections/:id/dossier.zip', [{ inspectionId, what: 'dossier' }]);
    return { content, size: Number(row.size), fileName: row.file_name, sha256: row.zip_sha256 };
  }

  private sealedAnswer(row: NonNullable<DossierRow>, actor: Actor, requestId: string) {
    if (row.request_id === requestId && row.built_by_sub === actor.sub) return view(row);
    const sealedAt = new Date(row.built_at).toISOString();
    throw conflict({ key: 'dossier_sealed', params: { sealedAt } }, { sealedAt, manifestSha256: row.manifest_sha256 });
  }

  private refuseGroup(inspection: Inspection, actor: Actor): void {
    if (isNamedIn(inspection.view, actor)) throw forbidden({ key: 'group_not_judged' });
  }
}
