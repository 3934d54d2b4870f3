/**
 * --staged: the change `git commit` would record, as one patch mail authored by the
 * configured user, so that the pipeline reviews it like any mail from the list.
 *
 * Git is run in the environment it gave us: in a pre-commit hook GIT_INDEX_FILE names the
 * index the commit is built from (`git commit -a`, `git commit <paths>` use a temporary one),
 * and `git diff --cached` must read that index.
 */
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import type { InputError } from '../model/types.js';
import type { ReviewInput } from '../model/review.js';
import { formatPatchMail, parseIdent, type GitIdent } from './patch-mail.js';
import { findRepository, isInputError } from './repository.js';
import { gitInputError, outputText, runGit } from './run-git.js';

/** The input name findings and errors of the staged change carry. */
export const STAGED_SOURCE = 'staged';

/** Options that make `git diff` print a patch `git apply` and the parsers read, whatever the user's diff.* config. */
export const PLAIN_DIFF_OPTIONS = [
  '--no-color',
  '--no-ext-diff',
  '--no-textconv',
  '--no-relative',
  '--submodule=short',
  '--src-prefix=a/',
  '--dst-prefix=b/',
  '--binary',
  '-M',
] as const;

/**
 * The staged change of the repository around `cwd` as one patch mail: a list of one input,
 * or an empty list when nothing is staged (an empty review, not an error).
 */
export async function stagedInput(cwd: string): Promise<ReviewInput[] | InputError> {
  // The three git questions run at once (the pre-commit hook waits on them); outside a
  // repository the answer is findRepository's error, whatever the other two say.
  const author = authorIdent(cwd);
  const pendingDiff = runGit(['diff', '--cached', ...PLAIN_DIFF_OPTIONS, '--stat', '--summary', '--patch'], { cwd });
  author.catch(() => undefined);
  pendingDiff.catch(() => undefined);
  const repository = await findRepository(cwd, STAGED_SOURCE);
  if (isInputError(repository)) return repository;
  const diff = await pendingDiff;
  if (diff.status !== 0) return gitInputError(STAGED_SOURCE, 'cannot read the staged change', diff);
  const statAndDiff = diff.stdout.toString('utf8');
  if (statAndDiff.trim() === '') return [];
  const mail = formatPatchMail({
    author: await author,
    subject: '[PATCH] staged changes',
    message: `The changes staged for commit in ${basename(repository.toplevel)}.\n`,
    statAndDiff,
  });
  return [{ source: STAGED_SOURCE, stream: Readable.from([Buffer.from(mail, 'utf8')]) }];
}

/**
 * Who would author the commit: `git var GIT_AUTHOR_IDENT` applies user.name, user.email and
 * the GIT_AUTHOR_* variables as `git commit` does; without an identity, the config values
 * that exist and the present time.
 */
async function authorIdent(cwd: string): Promise<GitIdent> {
  const ident = await runGit(['var', 'GIT_AUTHOR_IDENT'], { cwd });
  const parsed = ident.status === 0 ? parseIdent(outputText(ident)) : null;
  if (parsed) return parsed;
  const name = await runGit(['config', 'user.name'], { cwd });
  const email = await runGit(['config', 'user.email'], { cwd });
  return {
    name: name.status === 0 ? outputText(name) : 'unknown',
    email: email.status === 0 ? outputText(email) : 'unknown',
    timestamp: Math.floor(Date.now() / 1000),
    zone: localZone(),
  };
}

function localZone(): string {
  const minutes = -new Date().getTimezoneOffset();
  const sign = minutes < 0 ? '-' : '+';
  const absolute = Math.abs(minutes);
  return `${sign}${String(Math.floor(absolute / 60)).padStart(2, '0')}${String(absolute % 60).padStart(2, '0')}`;
}
