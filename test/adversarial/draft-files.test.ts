/**
 * Issue 14, point 6, issue 13 point 7 and issue 14 point 15: where reply drafts are written.
 * A symlink under a draft's name (to a file outside, or dangling) is never written through;
 * a draft that exists (the user may have edited it) is kept unless --force, and the command
 * says which; no temporary file is left; a bad --outdir is one clear line, exit 2, no hang.
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

const { text } = mbox([
  { subject: 'misc: first', path: 'drivers/misc/a.c', lines: leakyFunction('first') },
  { subject: 'misc: second', path: 'drivers/misc/b.c', lines: leakyFunction('second') },
]);

let dir: string;
let input: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cptlint-drafts-'));
  input = join(dir, 'series.mbox');
  writeFileSync(input, text);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function reply(...args: string[]) {
  return runCli(['reply', '--from', 'Rev Iewer <reviewer@example.org>', '--jobs', '1', ...args, input], { timeout: 20_000 });
}

/** The draft names a run writes, learnt from a run into a directory of its own. */
function draftNames(): string[] {
  const probe = join(dir, 'probe');
  expect(reply('--outdir', probe).status).toBe(0);
  return readdirSync(probe).sort();
}

describe('--outdir', () => {
  it('does not write through a symlink under a draft name, to a file or dangling', () => {
    const [first, second] = draftNames();
    const outdir = join(dir, 'drafts');
    mkdirSync(outdir);
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(outdir, first));
    const dangling = join(dir, 'created-outside.txt');
    symlinkSync(dangling, join(outdir, second));

    const kept = reply('--outdir', outdir);
    expectNoCrash(kept);
    expect(kept.status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(existsSync(dangling)).toBe(false);
    expect(kept.stderr).toContain(`kept ${join(outdir, first)}: it exists (--force overwrites it)`);
    expect(kept.stderr).toContain(`kept ${join(outdir, second)}: it exists`);
    expect(kept.stderr).toContain('0 drafts written');

    const forced = reply('--outdir', outdir, '--force');
    expect(forced.status).toBe(0);
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(existsSync(dangling)).toBe(false);
    for (const name of [first, second]) {
      expect(lstatSync(join(outdir, name)).isSymbolicLink()).toBe(false);
      expect(readFileSync(join(outdir, name), 'utf8')).toMatch(/^From: Rev Iewer <reviewer@example\.org>$/m);
    }
    expect(readdirSync(outdir).sort()).toEqual([first, second]);
  });

  it('keeps a draft the user edited unless --force, and names it', () => {
    const outdir = join(dir, 'drafts');
    expect(reply('--outdir', outdir).status).toBe(0);
    const [first, second] = readdirSync(outdir).sort();
    writeFileSync(join(outdir, first), 'my edited reply\n');
    rmSync(join(outdir, second));
    const again = reply('--outdir', outdir);
    expect(again.status).toBe(0);
    expect(readFileSync(join(outdir, first), 'utf8')).toBe('my edited reply\n');
    expect(existsSync(join(outdir, second))).toBe(true);
    expect(again.stderr.trim().split('\n')).toEqual([
      `cptlint: kept ${join(outdir, first)}: it exists (--force overwrites it)`,
      `cptlint: 1 draft written to ${outdir}, 1 kept`,
    ]);
    expect(reply('--outdir', outdir, '--force').status).toBe(0);
    expect(readFileSync(join(outdir, first), 'utf8')).not.toBe('my edited reply\n');
    expect(readdirSync(outdir).sort()).toEqual([first, second]);
  });

  it('-o keeps an existing file unless --force', () => {
    const output = join(dir, 'replies.mbox');
    writeFileSync(output, 'mine\n');
    const kept = reply('-o', output);
    expect(kept.stderr).toContain(`kept ${output}: it exists`);
    expect(readFileSync(output, 'utf8')).toBe('mine\n');
    expect(reply('-o', output, '--force').status).toBe(0);
    expect(readFileSync(output, 'utf8')).toMatch(/^From cptlint /);
  });

  it('-o naming a directory is one clear line, exit 2, with or without --force', () => {
    for (const force of [[], ['--force']]) {
      const run = reply('-o', dir, ...force);
      expectNoCrash(run);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(`cptlint: -o ${dir} is a directory (--outdir writes one file per draft into a directory)\n`);
    }
  });
});

describe('a bad --outdir is one clear line and exit 2', () => {
  it.each([
    ['empty', () => '', /--outdir needs a directory name/],
    ['a file', () => input, /is not a directory/],
    ['under a file', () => join(input, 'drafts'), /not a directory/],
    ['a name too long', () => join(dir, 'x'.repeat(300)), /the name is too long/],
    ['under /proc', () => '/proc/self/cptlint-drafts', /cannot create the draft directory/],
  ])('%s', (_, outdir, message) => {
    const run = reply('--outdir', outdir());
    expectNoCrash(run);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });
});
