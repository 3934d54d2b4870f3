/**
 * Issue 16's review set: 40 one-hunk format-patch mails made from real Linux 6.1 functions
 * (test/fixtures/new-exit, see its README): 25 add an error exit that skips the unwind, 15
 * correct twins unwind properly. Each is reviewed the two ways a reviewer meets it: from a
 * repository holding the pre-image blobs (whole functions, read from the blobs), and from
 * the patch alone. The figures are floors: a change that loses a catch, or flags a correct
 * twin, fails here.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBlobContext } from '../../src/git/blobs.js';
import type { TreeContext } from '../../src/model/review.js';
import { review } from '../../src/review/pipeline.js';
import { isolateGitConfig, TempRepo } from '../git/temp-repo.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/new-exit');

interface Case {
  patch: string;
  expect: 'flag' | 'quiet';
  exitLine: number;
}

function cases(): Case[] {
  const [header, ...rows] = readFileSync(join(fixtures, 'cases.tsv'), 'utf8').trim().split('\n');
  const columns = header.split('\t');
  return rows.map((row) => {
    const fields = Object.fromEntries(row.split('\t').map((value, index) => [columns[index], value]));
    return { patch: fields.patch, expect: fields.expect as Case['expect'], exitLine: Number(fields.exit_line) };
  });
}

function baseFiles(dir = join(fixtures, 'base'), prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) Object.assign(files, baseFiles(join(dir, entry.name), path));
    else files[path] = readFileSync(join(dir, entry.name), 'utf8');
  }
  return files;
}

/** The added lines of the case's one hunk: a finding on one of them is about the new exit. */
function addedLines(patchText: string): Set<number> {
  const lines = new Set<number>();
  let newLine = 0;
  for (const line of patchText.split('\n')) {
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)/.exec(line);
    if (hunk) {
      newLine = Number(hunk[1]);
      continue;
    }
    if (newLine === 0 || line.startsWith('-')) continue;
    if (line.startsWith('+')) lines.add(newLine);
    if (line.startsWith('+') || line.startsWith(' ')) newLine += 1;
    if (line.startsWith('-- ')) break;
  }
  return lines;
}

async function outcomes(tree: TreeContext | undefined): Promise<{ caught: number; flagged: number; falseAlarms: string[] }> {
  let caught = 0;
  let flagged = 0;
  const falseAlarms: string[] = [];
  for (const testCase of cases()) {
    const text = readFileSync(join(fixtures, 'cases', testCase.patch), 'utf8');
    const added = addedLines(text);
    const result = await review([{ source: testCase.patch, path: join(fixtures, 'cases', testCase.patch) }], { tree });
    const onNewLines = result.patches.flatMap((patch) => patch.findings).filter((finding) => added.has(finding.line));
    if (testCase.expect === 'flag') {
      flagged += 1;
      if (onNewLines.length > 0) caught += 1;
    } else if (onNewLines.length > 0) {
      falseAlarms.push(`${testCase.patch}: ${onNewLines.map((finding) => `${finding.rule}:${finding.line}`).join(', ')}`);
    }
  }
  return { caught, flagged, falseAlarms };
}

describe('new error exits that skip the unwind (40 cases from Linux 6.1)', () => {
  let repo: TempRepo;

  beforeAll(() => {
    isolateGitConfig();
    repo = new TempRepo('cptlint-new-exit-');
    repo.commit('Linux 6.1 files the cases change', baseFiles());
  });

  afterAll(() => repo.remove());

  it('is a set of 25 leaking exits and 15 correct twins', () => {
    const all = cases();
    expect(all.filter((testCase) => testCase.expect === 'flag')).toHaveLength(25);
    expect(all.filter((testCase) => testCase.expect === 'quiet')).toHaveLength(15);
  });

  it('in the repository that holds the pre-image blobs: at least 80% caught, no false alarm', async () => {
    const tree = await openBlobContext(repo.dir);
    expect(tree).not.toBeNull();
    const { caught, flagged, falseAlarms } = await outcomes(tree ?? undefined);
    expect(falseAlarms).toEqual([]);
    expect(caught).toBeGreaterThanOrEqual(Math.ceil(flagged * 0.8));
  }, 120_000);

  it('from the patch alone: the neighbouring exits catch some, and no false alarm', async () => {
    const { caught, falseAlarms } = await outcomes(undefined);
    expect(falseAlarms).toEqual([]);
    // 9 of 25 (issue 16 asks for a third): 01 02 06 09 13 18 20 24 25.
    expect(caught).toBeGreaterThanOrEqual(9);
  }, 120_000);
});
