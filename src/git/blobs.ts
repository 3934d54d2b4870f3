/**
 * Whole functions without a flag: run inside a git repository that holds a patch's pre-image
 * blobs (the abbreviated ids of its `index` lines), cptlint reads each pre-image from its blob
 * and applies the hunks to it in memory, so the rules see whole files as with --tree. Nothing
 * is written: no worktree, no index, no object. A file whose blob the repository does not hold,
 * or whose hunks do not match it, is reviewed from its hunks alone, silently (nothing was asked).
 */
import type { TreeContext } from '../model/review.js';
import type { FileChange, Patch } from '../model/types.js';
import { findRepository, isInputError } from './repository.js';
import { repositoryNeutralEnv, runGitSync } from './run-git.js';
import { parseBatchOutput } from './tree.js';

/** A blob larger than this is not a source file a rule needs. */
const MAX_BLOB_BYTES = 4 * 1024 * 1024;

/** The post-image of a file: its pre-image with the hunks applied, or null when they do not fit. */
export function applyHunks(preImage: string, file: FileChange): string | null {
  const endsWithNewline = preImage.endsWith('\n');
  const old = preImage.split('\n');
  if (endsWithNewline) old.pop();
  const out: string[] = [];
  let next = 0; // index in `old` of the next line not yet copied
  let noNewlineAtEnd = !endsWithNewline;
  for (const hunk of [...file.hunks].sort((a, b) => a.oldStart - b.oldStart)) {
    const start = hunk.oldLines === 0 ? hunk.oldStart : hunk.oldStart - 1;
    if (start < next || start > old.length) return null;
    while (next < start) out.push(old[next++]);
    for (const line of hunk.lines) {
      if (line.kind === 'added') {
        out.push(line.text);
        noNewlineAtEnd = line.noNewlineAtEnd === true;
        continue;
      }
      if (old[next] !== line.text) return null;
      if (line.kind === 'context') {
        out.push(old[next]);
        noNewlineAtEnd = line.noNewlineAtEnd === true;
      }
      next += 1;
    }
  }
  while (next < old.length) out.push(old[next++]);
  const text = out.join('\n');
  return out.length === 0 ? '' : noNewlineAtEnd ? text : `${text}\n`;
}

/** Lookups that all miss before the repository is taken not to hold this input's blobs. */
const PROBE_FILES = 4;

class BlobContext implements TreeContext {
  private current = new Map<string, string | null>();
  private found = 0;
  private missed = 0;

  constructor(
    private readonly cwd: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  applyPatch(patch: Patch): { applied: boolean } {
    const files = patch.files.filter(
      (file) => file.language !== 'other' && file.status === 'modified' && typeof file.preImageBlob === 'string' && file.hunks.length > 0,
    );
    this.current = new Map();
    // A repository that held none of the first blobs asked for is not the base of this input.
    if (files.length === 0 || (this.found === 0 && this.missed >= PROBE_FILES)) return { applied: true };
    const result = runGitSync(['cat-file', '--batch'], { cwd: this.cwd, env: this.env, input: files.map((file) => `${file.preImageBlob}\n`).join('') });
    const blobs = result.status === 0 ? parseBatchOutput(result.stdout, files.length) : [];
    files.forEach((file, position) => {
      const blob = blobs[position];
      if (blob == null) this.missed += 1;
      else this.found += 1;
      this.current.set(file.path, blob == null || blob.length > MAX_BLOB_BYTES ? null : applyHunks(blob, file));
    });
    return { applied: true };
  }

  postImage(path: string): string | null {
    return this.current.get(path) ?? null;
  }

  contextFiles(): { path: string; text: string }[] {
    return [];
  }
}

/**
 * The blob context of the repository around `cwd`, or null when `cwd` is not in one. It only
 * reads objects, so it needs no cleaning up.
 */
export async function openBlobContext(cwd: string): Promise<TreeContext | null> {
  const env = repositoryNeutralEnv();
  const repository = await findRepository(cwd, cwd, env);
  if (isInputError(repository)) return null;
  return new BlobContext(repository.toplevel, env);
}
