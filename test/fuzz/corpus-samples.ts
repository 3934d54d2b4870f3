/**
 * Samples for the robustness tests: the project's fixtures, and when ../shared/corpus is
 * present, an even spread of real kernel patches from it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusPatches = path.resolve(repoRoot, '../shared/corpus/kernel-patches');

export function fixtures(folder: string): Buffer[] {
  const directory = path.join(repoRoot, 'test/fixtures', folder);
  return readdirSync(directory)
    .sort()
    .map((name) => readFileSync(path.join(directory, name)));
}

/** Up to `count` corpus patches spread over the corpus (none when the corpus is absent). */
export function corpusPatchSamples(count: number, filter: (name: string) => boolean = () => true): Buffer[] {
  if (!existsSync(corpusPatches)) {
    console.warn(`fuzz tests: ${corpusPatches} is absent; mutating the fixtures only`);
    return [];
  }
  const names = readdirSync(corpusPatches).filter(filter).sort();
  const step = Math.max(1, Math.floor(names.length / count));
  return names.filter((_, index) => index % step === 0).slice(0, count).map((name) => readFileSync(path.join(corpusPatches, name)));
}
