/**
 * Reference files from ../shared (beside the repository, as CI provides them), with a fallback to the
 * byte-identical copies in test/fixtures/shared for clones that have no ../shared beside them. See
 * test/fixtures/shared/README.md.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// This file runs from dist/test/support/: the repository root is three levels up.
const root = new URL('../../../', import.meta.url);

/** ../shared/<rel>, the authority. */
export function sharedOriginal(rel: string): string {
  return fileURLToPath(new URL(`../shared/${rel}`, root));
}

/** The repository's copy of ../shared/<rel>. */
export function sharedCopy(rel: string): string {
  return fileURLToPath(new URL(`test/fixtures/shared/${rel}`, root));
}

/** ../shared/<rel> when it exists, else the repository's copy. */
export function sharedFile(rel: string): string {
  const original = sharedOriginal(rel);
  return existsSync(original) ? original : sharedCopy(rel);
}
