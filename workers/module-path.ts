import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A module of the platform by its path relative to `from` (an import.meta.url), with the extension of
 * `from` itself: .ts when the processes run from the sources through tsx, .js when they run compiled
 * from dist/ (the image). Workflow code is bundled from, and child scripts started at, such paths.
 */
export function modulePath(relative: string, from: string): string {
  return fileURLToPath(new URL(`${relative}${extname(fileURLToPath(from))}`, from));
}
