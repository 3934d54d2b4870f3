/**
 * Issue 14, point 1: deep nesting is an input error of one function, not a crash of the whole
 * input. Each shape below overflowed the stack before the depth limit (src/parsers/depth.ts):
 * "Maximum call stack size exceeded", exit 2, no other patch of the mbox reviewed. Now the
 * function is reported on one line with its file and line, every other patch is reviewed,
 * and the answer is the same for any -j (worker threads have larger stacks than the main one).
 */
import { MAX_NESTING_DEPTH } from '../../src/parsers/depth.js';
import { expectNoCrash, leakyFunction, mbox, runCli, type HostilePatch } from './hostile-mail.js';

const leak = '\tstruct foo *p = kmalloc(sizeof(*p), GFP_KERNEL);';
const deepShapes: Record<string, string[]> = {
  'nested-ifs': ['int deep(int x)', '{', leak, ...Array<string>(1500).fill('if (x) {'), 'kfree(p);', ...Array<string>(1500).fill('}'), 'return 0;', '}'],
  'else-if-chain': ['int deep(int x)', '{', leak, 'if (x == 0) x = 1;', ...Array.from({ length: 3000 }, (_, i) => `else if (x == ${i + 1}) return -EIO;`), 'kfree(p);', 'return 0;', '}'],
  'long-sum': ['int deep(int x)', '{', leak, `if (${Array<string>(5000).fill('x').join(' + ')}) return -EIO;`, 'kfree(p);', 'return 0;', '}'],
  'stars': ['int deep(int x)', '{', leak, `int ${'*'.repeat(10000)}q;`, 'kfree(p);', 'return 0;', '}'],
  'parentheses': ['int deep(int x)', '{', leak, `return ${'('.repeat(10000)}x${')'.repeat(10000)};`, '}'],
};

describe('deeply nested C', () => {
  const good = (index: number): HostilePatch => ({ subject: `good ${index}`, path: `drivers/misc/good${index}.c`, lines: leakyFunction(`good${index}`) });
  // 17 good patches first: the review starts its workers (-j 2) only after 16, so the deep
  // functions below are reviewed on a worker with -j 2 and on the main thread with -j 1.
  const patches: HostilePatch[] = [];
  for (let index = 0; index < 17; index++) patches.push(good(index));
  for (const [shape, lines] of Object.entries(deepShapes)) {
    patches.push({ subject: shape, path: `drivers/misc/${shape}.c`, lines: [...leakyFunction('before'), ...lines, ...leakyFunction('after')] });
    patches.push(good(patches.length));
  }
  const { text, firstLines } = mbox(patches);

  const runs = [1, 2].map((jobs) => runCli(['--format', 'json', '--fail-level', 'none', '--jobs', String(jobs), '-'], { input: text }));

  it('reports each too-deep function on one line with its file and line, exit 2, no crash', () => {
    for (const run of runs) {
      expectNoCrash(run);
      expect(run.status).toBe(2);
      const json = JSON.parse(run.stdout) as { errors: { line: number; message: string }[] };
      const expected = Object.keys(deepShapes).map((shape) => {
        const index = patches.findIndex((patch) => patch.subject === shape);
        // The deep function starts after the 10 lines of `before`.
        return { line: firstLines[index] + 10, message: `drivers/misc/${shape}.c:11: function deep nests deeper than ${MAX_NESTING_DEPTH} levels, more than cptlint follows; it is not reviewed` };
      });
      expect(json.errors.map(({ line, message }) => ({ line, message }))).toEqual(expected);
      const stderrLines = run.stderr.trim().split('\n');
      expect(stderrLines).toHaveLength(expected.length);
      for (const [at, error] of expected.entries()) expect(stderrLines[at]).toBe(`cptlint: -:${error.line}: ${error.message}`);
    }
  });

  it('still reviews every other patch, and the functions around the deep one', () => {
    const json = JSON.parse(runs[0].stdout) as { patches: { subject: string; findings: { file: string; line: number; rule: string }[] }[] };
    expect(json.patches).toHaveLength(patches.length);
    for (const patch of json.patches) {
      const leaks = patch.findings.filter((finding) => finding.rule === 'mem-leak').map((finding) => finding.line);
      // Every good function leaks at its line 7; a deep file has `before` (line 7) and `after`.
      if (patch.subject.includes('good')) expect(leaks).toEqual([7]);
      else expect(leaks).toEqual([7, deepShapes[patch.subject.replace(/^\[PATCH\] /, '')].length + 17]);
    }
  });

  it('gives the same answer for -j 1 and -j 2', () => {
    expect(runs[1].stdout).toBe(runs[0].stdout);
    expect(runs[1].stderr).toBe(runs[0].stderr);
  });
});

describe('deep nesting outside C functions', () => {
  it('reads a From header of 10,000 nested comments', () => {
    const { text } = mbox([
      { subject: 'nested comments', from: `Jane ${'('.repeat(10000)} Doe <jane@example.org>`, path: 'drivers/misc/a.c', lines: leakyFunction('a') },
      { subject: 'after', path: 'drivers/misc/b.c', lines: leakyFunction('b') },
    ]);
    const run = runCli(['--format', 'terse', '--jobs', '1', '-'], { input: text });
    expectNoCrash(run);
    expect(run.status).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/^drivers\/misc\/a\.c:7: WARNING: /), expect.stringMatching(/^drivers\/misc\/b\.c:7: WARNING: /)]);
  });

  it.each([
    ['a line of a million quotes', `\tmov ${'"'.repeat(1_000_000)}`],
    ['100,000 unary minuses', `\tmovl $${'-'.repeat(100_000)}1, %eax`],
    ['100,000 parentheses', `\tmovl $${'('.repeat(100_000)}1, %eax`],
  ])('reviews an assembler file with %s, and the patch after it', (_, line) => {
    const { text } = mbox([
      { subject: 'asm', path: 'arch/x86/kernel/hostile.S', lines: ['#define FOO 8', line, '\taddl $8, %esp'] },
      { subject: 'after', path: 'drivers/misc/b.c', lines: leakyFunction('b') },
    ]);
    const run = runCli(['--format', 'terse', '--jobs', '1', '-'], { input: text });
    expectNoCrash(run);
    expect(run.stdout).toMatch(/^drivers\/misc\/b\.c:7: WARNING: /m);
  });
});
