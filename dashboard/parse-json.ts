/**
 * JSON text as a value, or undefined when it is not JSON: for input checked by a schema right after
 * (`schema.safeParse(parseJson(text))`), so text that is not JSON fails that check like any other
 * wrong shape instead of throwing.
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
