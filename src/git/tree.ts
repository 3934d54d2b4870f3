/**
 * --tree: whole-file context from a kernel git tree, without touching it. The patches are
 * applied, one after the other, to a scratch index (GIT_INDEX_FILE in a temporary
 * directory, filled from the base commit by `git read-tree`), and the post-images are read
 * back from that index. New blobs go to a temporary object directory that borrows the
 * repository's objects as an alternate, so the user's working tree, index, refs, stash and
 * object store stay as they were, byte for byte.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TreeContext } from '../model/review.js';
import type { InputError, Patch } from '../model/types.js';
import { patchDiffText } from './diff-text.js';
import { includeCandidates, includeDirectives } from './includes.js';
import { findRepository, isInputError } from './repository.js';
import { gitInputError, gitMessage, outputText, repositoryNeutralEnv, runGit, runGitSync, type GitResult } from './run-git.js';
import { listenForSignals, release, removeOnSignal } from '../signal-cleanup.js';

export interface TreeOptions {
  /**
   * The commit the patches apply to: for --git, the parent of the range's first commit.
   * HEAD when absent, or when the tree does not hold that commit (another clone).
   */
  base?: string;
}

export type OpenTreeContext = TreeContext & {
  /** Removes the scratch index and objects. */
  close(): void;
};

/** Headers read per file: enough for a driver's includes, bounded for a pathological file. */
const MAX_CONTEXT_FILES = 32;
/** A header bigger than this is not context a rule needs (generated register tables). */
const MAX_CONTEXT_FILE_BYTES = 1024 * 1024;

/** The ways to apply, tried in order until one succeeds. */
const APPLY_ATTEMPTS: readonly (readonly string[])[] = [[], ['--3way'], ['-C1']];

export async function openTreeContext(treePath: string, options: TreeOptions = {}): Promise<OpenTreeContext | InputError> {
  const source = treePath;
  const env = repositoryNeutralEnv();
  const repository = await findRepository(treePath, source, env);
  if (isInputError(repository)) return { ...repository, message: `--tree: ${repository.message}` };
  const cwd = repository.toplevel;
  const base = await baseCommit(cwd, env, options.base);
  if (base.status !== 0) return { source, line: 0, message: `--tree: ${cwd} has no commit to apply the patches to` };
  const objects = await runGit(['rev-parse', '--path-format=absolute', '--git-path', 'objects'], { cwd, env });
  if (objects.status !== 0) return gitInputError(source, `--tree: cannot find the objects of ${cwd}`, objects);

  listenForSignals();
  const scratch = mkdtempSync(join(tmpdir(), 'cptlint-tree-'));
  // Removed on SIGINT/SIGTERM/SIGHUP too: it holds an index, objects and a copy of each patch.
  removeOnSignal(scratch);
  mkdirSync(join(scratch, 'objects'));
  const scratchEnv = repositoryNeutralEnv({
    GIT_INDEX_FILE: join(scratch, 'index'),
    GIT_OBJECT_DIRECTORY: join(scratch, 'objects'),
    GIT_ALTERNATE_OBJECT_DIRECTORIES: alternateEntry(outputText(objects)),
  });
  const filled = await runGit(['read-tree', outputText(base)], { cwd, env: scratchEnv });
  if (filled.status !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    release(scratch);
    return gitInputError(source, `--tree: cannot read the tree of ${outputText(base)}`, filled);
  }
  return new ScratchTree(cwd, scratch, scratchEnv);
}

async function baseCommit(cwd: string, env: NodeJS.ProcessEnv, wanted: string | undefined): Promise<GitResult> {
  const verify = (revision: string) => runGit(['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`], { cwd, env });
  const found = wanted === undefined ? null : await verify(wanted);
  return found?.status === 0 ? found : verify('HEAD');
}

/** GIT_ALTERNATE_OBJECT_DIRECTORIES is a colon-separated list; git reads a C-quoted entry as one path. */
function alternateEntry(path: string): string {
  return /[:"\\]/.test(path) ? `"${path.replace(/["\\]/g, '\\$&')}"` : path;
}

class ScratchTree implements TreeContext {
  private applied = 0;
  private readonly cache = new Map<string, string | null>();

  constructor(
    private readonly cwd: string,
    private readonly scratch: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  applyPatch(patch: Patch): { applied: boolean; message?: string } {
    this.applied += 1;
    const patchFile = join(this.scratch, `patch-${this.applied}.diff`);
    const index = join(this.scratch, 'index');
    const saved = join(this.scratch, 'index.before');
    writeFileSync(patchFile, patchDiffText(patch));
    copyFileSync(index, saved);
    let failure: GitResult | null = null;
    for (const attempt of APPLY_ATTEMPTS) {
      const result = this.git(['apply', '--cached', '--whitespace=nowarn', ...attempt, patchFile]);
      if (result.status === 0) {
        this.cache.clear();
        return { applied: true };
      }
      failure ??= result;
      // A failed attempt (a three-way apply with conflicts) may have left the index half
      // changed: start the next one, and the next patch, from the index as it was.
      copyFileSync(saved, index);
    }
    return { applied: false, message: failure ? gitMessage(failure) : undefined };
  }

  postImage(path: string): string | null {
    if (!this.cache.has(path)) this.readFiles([path]);
    return this.cache.get(path) ?? null;
  }

  contextFiles(path: string): { path: string; text: string }[] {
    const text = this.postImage(path);
    if (text === null) return [];
    const directives = includeDirectives(text).slice(0, MAX_CONTEXT_FILES);
    const candidatesPerDirective = directives.map((directive) => includeCandidates(path, directive));
    this.readFiles(candidatesPerDirective.flat().filter((candidate) => !this.cache.has(candidate)));
    const headers: { path: string; text: string }[] = [];
    const seen = new Set<string>([path]);
    for (const candidates of candidatesPerDirective) {
      const found = candidates.find((candidate) => this.cache.get(candidate) != null);
      if (found === undefined || seen.has(found)) continue;
      seen.add(found);
      const header = this.cache.get(found);
      if (header != null && header.length <= MAX_CONTEXT_FILE_BYTES) headers.push({ path: found, text: header });
    }
    return headers;
  }

  close(): void {
    rmSync(this.scratch, { recursive: true, force: true });
    release(this.scratch);
  }

  private git(args: readonly string[], input?: string): GitResult {
    return runGitSync(args, { cwd: this.cwd, env: this.env, input });
  }

  /** Reads files of the scratch index into the cache (null for a path it does not hold), in one git call. */
  private readFiles(paths: readonly string[]): void {
    const wanted = paths.filter((path) => !path.includes('\n'));
    if (wanted.length === 0) return;
    const result = this.git(['cat-file', '--batch'], wanted.map((path) => `:${path}\n`).join(''));
    const contents = result.status === 0 ? parseBatchOutput(result.stdout, wanted.length) : [];
    wanted.forEach((path, position) => this.cache.set(path, contents[position] ?? null));
  }
}

/**
 * Splits `git cat-file --batch` output: per object "<oid> <type> <size>\n<content>\n", or
 * "<name> missing\n" for a path the index does not hold. Only blobs become text.
 */
export function parseBatchOutput(output: Buffer, count: number): (string | null)[] {
  const contents: (string | null)[] = [];
  let offset = 0;
  while (contents.length < count && offset < output.length) {
    const lineEnd = output.indexOf(0x0a, offset);
    if (lineEnd < 0) break;
    const header = output.subarray(offset, lineEnd).toString('utf8');
    offset = lineEnd + 1;
    const match = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
    if (!match) {
      contents.push(null);
      continue;
    }
    const size = Number(match[2]);
    contents.push(match[1] === 'blob' ? output.subarray(offset, offset + size).toString('utf8') : null);
    offset += size + 1;
  }
  return contents;
}
