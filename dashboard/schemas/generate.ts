// Writes dashboard/schemas/*.schema.json from the zod contract: `npm run schemas`.
// The test tests/dashboard/schemas.test.ts fails when the checked-in files drift from the contract.
import { readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { jsonSchemaFiles } from './index.js';

const directory = fileURLToPath(new URL('.', import.meta.url));
const files = jsonSchemaFiles();

// Files of schemas that no longer exist would otherwise linger and mislead consumers.
for (const existing of readdirSync(directory)) {
  if (existing.endsWith('.schema.json') && !(existing in files)) unlinkSync(new URL(existing, import.meta.url));
}
for (const [name, text] of Object.entries(files)) {
  writeFileSync(new URL(name, import.meta.url), text);
}
console.log(`Wrote ${Object.keys(files).length} JSON Schema files to ${directory}`);
