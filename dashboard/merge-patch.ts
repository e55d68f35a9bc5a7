/**
 * JSON Merge Patch (RFC 7396): objects merge member by member, null removes a member, anything else
 * (arrays included) replaces. Results are built with fresh own properties, so a "__proto__" member in
 * untrusted input stays a plain (and later rejected) key instead of changing a prototype.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const result = new Map<string, unknown>(isPlainObject(target) ? Object.entries(target) : []);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) result.delete(key);
    else result.set(key, applyMergePatch(result.get(key), value));
  }
  return Object.fromEntries(result);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
