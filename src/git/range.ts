/**
 * --git <range>: each commit of a range, in order, as `git format-patch --stdout` writes
 * them: one mbox, "[PATCH n/m]" subjects, the real author, date and message, and
 * Message-Id / In-Reply-To headers that thread them as one series. Merges are skipped (git
 * format-patch skips them, as checkpatch --git does). A range names one commit alone when it
 * is a single revision ("HEAD", "a1b2c3d"), not "that commit up to HEAD" as format-patch
 * would read it.
 */
import type { InputError } from '../model/types.js';
import type { ReviewInput } from '../model/review.js';
import { Readable } from 'node:stream';
import { findRepository, isInputError } from './repository.js';
import { gitInputError, outputText, runGit } from './run-git.js';

export interface ResolvedRange {
  /** The commits format-patch will write, oldest first, merges left out. */
  commits: string[];
  /** The commit the first patch applies to (null when the range starts at a root commit). */
  base: string | null;
  /** Arguments that name the range for git format-patch (options first, then revisions). */
  formatPatchArguments: string[];
}

/**
 * Options that make the mbox the same whatever the user's format.* configuration says;
 * mboxrd escapes "From " lines of commit messages as the mbox reader expects.
 */
const FORMAT_PATCH_OPTIONS = [
  '--stdout',
  '--pretty=mboxrd',
  '--thread=shallow',
  '--no-cover-letter',
  '--no-signoff',
  '--no-attach',
  '--no-notes',
  '--no-base',
  '--no-from',
  '--no-signature',
  '--no-to',
  '--no-cc',
  '--no-add-header',
  '--no-relative',
  '--src-prefix=a/',
  '--dst-prefix=b/',
] as const;

/** The range as one mbox input; an empty list when it holds no commit but merges. */
export async function rangeInput(cwd: string, range: string): Promise<ReviewInput[] | InputError> {
  const resolved = await resolveRange(cwd, range);
  if (isInputError(resolved)) return resolved;
  if (resolved.commits.length === 0) return [];
  const numbering = resolved.commits.length > 1 ? '--numbered' : '--no-numbered';
  const mbox = await runGit(
    ['format-patch', ...FORMAT_PATCH_OPTIONS, numbering, ...resolved.formatPatchArguments],
    { cwd },
  );
  if (mbox.status !== 0) return gitInputError(range, `cannot write the patches of ${range}`, mbox);
  return [{ source: range, stream: Readable.from([mbox.stdout]) }];
}

/** The commits of a range, or an InputError when git does not know it. */
export async function resolveRange(cwd: string, range: string): Promise<ResolvedRange | InputError> {
  const repository = await findRepository(cwd, range);
  if (isInputError(repository)) return repository;
  if (range.trim() === '' || range.startsWith('-')) {
    return { source: range, line: 0, message: `"${range}" is not a commit range (try HEAD~3.., v6.1..topic or one commit)` };
  }
  const revisions = await runGit(['rev-parse', '--revs-only', '--end-of-options', range, '--'], { cwd });
  if (revisions.status !== 0) return gitInputError(range, `${range} is not a commit range here`, revisions);
  const parsed = outputText(revisions).split('\n').filter((line) => line !== '');
  if (parsed.length === 0) return { source: range, line: 0, message: `${range} names no commit` };
  // One revision is that commit alone: X^! is X without its parents (a merge then lists nothing).
  const single = parsed.length === 1 && !parsed[0].startsWith('^');
  const revisionArgs = single ? [`${parsed[0]}^!`] : parsed;
  const listed = await runGit(['rev-list', '--reverse', '--no-merges', '--end-of-options', ...revisionArgs, '--'], { cwd });
  if (listed.status !== 0) return gitInputError(range, `${range} is not a commit range here`, listed);
  const commits = outputText(listed).split('\n').filter((line) => line !== '');
  return {
    commits,
    base: commits.length > 0 ? await parentOf(cwd, commits[0]) : null,
    formatPatchArguments: single ? ['-1', '--end-of-options', parsed[0]] : ['--end-of-options', ...parsed],
  };
}

/**
 * The commit the range's first patch applies to, for --tree with --git (undefined when the
 * range is not valid or starts at a root commit: the tree's HEAD is used then).
 */
export async function rangeBase(cwd: string, range: string): Promise<string | undefined> {
  const resolved = await resolveRange(cwd, range);
  return isInputError(resolved) ? undefined : (resolved.base ?? undefined);
}

async function parentOf(cwd: string, commit: string): Promise<string | null> {
  const parent = await runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${commit}^`], { cwd });
  return parent.status === 0 ? outputText(parent) : null;
}
