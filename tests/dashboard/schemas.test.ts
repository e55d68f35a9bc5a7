import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles } from '../../dashboard/index.js';

const schemaDir = new URL('../../dashboard/schemas/', import.meta.url);

describe('checked-in JSON Schema files', () => {
  const generated = jsonSchemaFiles();

  it.each(Object.keys(generated))(
    '%s matches the zod contract (run `npm run schemas` after a contract change)',
    (file) => {
      expect(readFileSync(new URL(file, schemaDir), 'utf8')).toBe(generated[file]);
    },
  );

  it('has no file for a schema that no longer exists', () => {
    const onDisk = readdirSync(schemaDir)
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    expect(onDisk).toEqual(Object.keys(generated).sort());
  });
});
