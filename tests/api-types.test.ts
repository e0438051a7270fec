import { describe, expect, it } from 'vitest';
import { checkedInApiFiles, renderApiFiles } from '../scripts/api-types.js';

describe('the console is typed from the API as it is', () => {
  it('has checked-in API types and record schemas equal to what npm run api:types generates now', async () => {
    const generated = await renderApiFiles();
    const checkedIn = checkedInApiFiles();
    // Compared one file at a time so the failure names the stale one; the fix is `npm run api:types`.
    expect(checkedIn.types, 'web/src/api/schema.d.ts is stale: run npm run api:types').toBe(generated.types);
    expect(checkedIn.recordSchemas, 'web/src/api/record-schemas.json is stale: run npm run api:types').toBe(generated.recordSchemas);
  });
});
