import { z } from 'zod';
import { person, requestId } from './schemas.js';

export const dossierBuildBody = z.object({ requestId }).describe('builds and seals the dossier once; the same requestId repeats the answer');

export const dossierView = z
  .object({
    inspectionId: z.uuid(),
    requestId: z.string().describe('the request that built it'),
    sealedAt: z.iso.datetime(),
    sealedBy: person,
    manifestSha256: z.string().describe('SHA-256 (hex) of manifest.json in the zip: the seal the archiving stage requires'),
    sha256: z.string().describe('SHA-256 (hex) of the zip served at `download`'),
    size: z.number().describe('bytes of the zip'),
    files: z.number().describe('files in the zip, manifest.json included'),
    fileName: z.string(),
    download: z.string().describe('the path of the zip'),
  })
  .describe(
    'The sealed dossier (立卷归档): a zip of manifest.json (each file with its SHA-256, the chain heads, the signed checkpoints, the code version, the public keys, the long-term rectification items), every record with all its versions, the report section versions, the frozen report and the lead report (.docx), the evidence files, the history and ledger, the timeline, every Temporal run, and the catalogue 卷内目录.docx. Check it offline with `npm run verify-dossier -- <file.zip>`.',
  );

export const dossierStatus = z.object({ inspectionId: z.uuid(), dossier: dossierView.nullable().describe('null until the office builds it') });
