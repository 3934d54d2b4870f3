/**
 * The pre-commit path: `cptlint --staged` in a git repository with one staged change to one
 * .c file, timed from process start to exit, and the pieces of its start-up measured apart
 * (node itself, module imports, tree-sitter's wasm, git).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileChange } from '../src/model/types.js';
import { PLAIN_DIFF_OPTIONS } from '../src/git/staged.js';
import { readGroups } from '../src/review/read-groups.js';
import { spawnTimed } from './spawn-timed.js';

/** A whole C file a corpus patch adds (the largest up to maxLines lines): real kernel code to commit. */
export async function corpusCFile(corpusMbox: string, maxLines: number): Promise<{ path: string; text: string }> {
  let best: FileChange | null = null;
  const lineCount = (file: FileChange) => file.postImage?.segments.reduce((total, segment) => total + segment.lines.length, 0) ?? 0;
  for await (const unit of readGroups({ source: corpusMbox })) {
    if (unit.kind !== 'group') continue;
    for (const file of unit.patches.flatMap((patch) => patch.files)) {
      if (file.status !== 'added' || !/\.c$/.test(file.path) || !file.postImage?.wholeFile) continue;
      const lines = lineCount(file);
      if (lines <= maxLines && (best === null || lines > lineCount(best))) best = file;
    }
  }
  if (best === null) throw new Error(`no added .c file of at most ${maxLines} lines in ${corpusMbox}`);
  const text = (best.postImage?.segments ?? []).flatMap((segment) => segment.lines).join('\n');
  return { path: best.path, text: `${text}\n` };
}

export interface StagedRepository {
  directory: string;
  file: string;
  lines: number;
  remove(): void;
}

function git(cwd: string, args: readonly string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * A repository with the file committed and a one-line change to it staged: a new statement
 * added after the first line that opens a function body.
 */
export function makeStagedRepository(file: { path: string; text: string }): StagedRepository {
  const directory = mkdtempSync(join(tmpdir(), 'cptlint-bench-repo-'));
  const name = file.path.split('/').pop() ?? 'file.c';
  git(directory, ['init', '-q']);
  git(directory, ['config', 'user.name', 'Bench Mark']);
  git(directory, ['config', 'user.email', 'bench@cptlint.invalid']);
  git(directory, ['config', 'commit.gpgsign', 'false']);
  writeFileSync(join(directory, name), file.text);
  git(directory, ['add', name]);
  git(directory, ['commit', '-q', '-m', 'import']);
  const rows = file.text.split('\n');
  const bodyStart = rows.findIndex((row) => row === '{');
  rows.splice(bodyStart < 0 ? rows.length - 1 : bodyStart + 1, 0, '\tmight_sleep();');
  writeFileSync(join(directory, name), rows.join('\n'));
  git(directory, ['add', name]);
  return { directory, file: name, lines: rows.length, remove: () => rmSync(directory, { recursive: true, force: true }) };
}

export interface StartupPieces {
  nodeStart: number[];
  importMilliseconds: Record<string, number[]>;
  gitDiffCached: number[];
}

const probeScript = fileURLToPath(new URL('./startup-probe.js', import.meta.url));

/** Each piece of the hook path's start-up, each run in a fresh process `runs` times. */
export async function measureStartupPieces(repository: StagedRepository, runs: number): Promise<StartupPieces> {
  const pieces: StartupPieces = { nodeStart: [], importMilliseconds: {}, gitDiffCached: [] };
  for (let run = 0; run < runs; run++) {
    pieces.nodeStart.push((await spawnTimed(process.execPath, ['-e', '0'])).wallMilliseconds);
    const probe = await spawnTimed(process.execPath, [probeScript], {
      env: { CPTLINT_BENCH_PROBE_OUT: '1' },
    });
    const line = probe.stderr.split('\n').find((text) => text.startsWith('{'));
    if (line) {
      for (const [name, value] of Object.entries(JSON.parse(line) as Record<string, number>)) {
        (pieces.importMilliseconds[name] ??= []).push(value);
      }
    }
    const diff = await spawnTimed('git', ['diff', '--cached', ...PLAIN_DIFF_OPTIONS, '--stat', '--summary', '--patch'], {
      cwd: repository.directory,
    });
    pieces.gitDiffCached.push(diff.wallMilliseconds);
  }
  return pieces;
}
