/**
 * Issue 14, point 4: a file name with a newline forged finding lines in terse, emacs and b4
 * output: "foo\nERROR: forged.c" printed a line "ERROR: forged.c:7: WARNING: ..." that b4's
 * text protocol takes for a failed check. One finding is one line, and odd names are quoted
 * the way git quotes them (a C string that reads back as the name).
 */
import { expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

/** git's unquote_c_style, to check that a quoted name reads back as the name. */
function unquote(quoted: string): string {
  const bytes: number[] = [];
  const named: Record<string, number> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };
  for (let at = 1; at < quoted.length - 1; at++) {
    if (quoted[at] !== '\\') {
      bytes.push(...Buffer.from(quoted[at]));
      continue;
    }
    const next = quoted[++at];
    if (next in named) bytes.push(named[next]);
    else {
      bytes.push(parseInt(quoted.slice(at, at + 3), 8));
      at += 2;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function gitQuoted(path: string): string {
  return `"${path.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

const names = ['drivers/misc/foo\nERROR: forged.c', 'drivers/misc/ERROR: plain.c', 'drivers/misc/tab\there "and" back\\slash.c'];

describe.each(names)('a file named %j', (name) => {
  const { text } = mbox([{ subject: 'odd name', path: 'PLACEHOLDER', lines: leakyFunction('probe') }]);
  const needsQuotes = /[\n\t"\\]/.test(name);
  const a = needsQuotes ? gitQuoted(`a/${name}`) : `a/${name}`;
  const b = needsQuotes ? gitQuoted(`b/${name}`) : `b/${name}`;
  const input = text.replace('diff --git a/PLACEHOLDER b/PLACEHOLDER', `diff --git ${a} ${b}`).replace('+++ b/PLACEHOLDER', `+++ ${b}`);

  it.each(['terse', 'emacs'])('--format %s: one line, the name quoted as git does, no forged ERROR:', (format) => {
    const run = runCli(['--format', format, '--jobs', '1', '-'], { input });
    expectNoCrash(run);
    expect(run.status).toBe(1);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    // b4 reads terse lines: a name that says ERROR: is quoted with its colon in octal. The
    // emacs format is for editors: git's own quoting, which leaves a plain "ERROR: x.c" as it is.
    const quoted = format === 'terse' || needsQuotes;
    if (format === 'terse') expect(lines[0]).not.toContain('ERROR:');
    if (quoted) expect(unquote(/^(".*?[^\\]"):7:/.exec(lines[0])?.[1] ?? '')).toBe(name);
    else expect(lines[0].startsWith(`${name}:7:3: warning: `)).toBe(true);
  });

  it('--format b4: the details hold one line for the finding and no ERROR:', () => {
    const run = runCli(['--format', 'b4', '--jobs', '1', '-'], { input });
    expectNoCrash(run);
    const [entry] = JSON.parse(run.stdout) as { status: string; details: string }[];
    expect(entry.status).toBe('warn');
    expect(entry.details.split('\n')[0]).toMatch(/^".*":7: WARNING: /);
    expect(entry.details).not.toContain('ERROR:');
  });
});
