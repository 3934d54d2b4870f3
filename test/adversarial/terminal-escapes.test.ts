/**
 * Issue 14, point 3: escape sequences and bidi controls from a patch never reach the terminal
 * raw. The mail below puts OSC 52 (clipboard write), OSC 0 (window title), OSC 8 (hidden
 * link), clear-screen, a bare CR and U+202E (right-to-left override) in the subject, the
 * author, a file name, the quoted code and an input error; every human format and stderr
 * show them escaped.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, expectNoCrash, leakyFunction, mbox, runCli } from './hostile-mail.js';

// Any C0 control but tab and newline, DEL, C1, and the bidi and separator characters.
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const ESC = '\x1b';
const BEL = '\x07';
const subject = `fix ${ESC}]52;c;ZXZpbA==${BEL} the \u202Etxt.exe driver`;
const author = `Mallory ${ESC}[2J${ESC}[H <mallory@example.org>`;
const hostileDir = `drivers/misc/${ESC}]8;;http:evil.example/${BEL}link${ESC}]8;;${BEL}`;
const code = leakyFunction('probe');
code[5] = `${code[5]} /* ${ESC}]0;owned${BEL} \r${ESC}[1A */`;
// A too-deep function in a file of that directory: its input error names the file on stderr.
const deep = ['int deep(int x)', '{', ...Array<string>(600).fill('{'), ...Array<string>(600).fill('}'), 'return 0;', '}'];

function gitQuoted(path: string): string {
  return `"${[...Buffer.from(path)].map((byte) => (byte < 0x20 || byte >= 0x7f ? `\\${byte.toString(8).padStart(3, '0')}` : String.fromCharCode(byte))).join('')}"`;
}

const { text } = mbox([{ subject, from: author, path: `${hostileDir}/a.c`, lines: [...code, ...deep] }]);
// git writes such a name quoted in the diff headers; the reader unquotes it.
const input = text.replaceAll(`a/${hostileDir}/a.c b/${hostileDir}/a.c`, `${gitQuoted(`a/${hostileDir}/a.c`)} ${gitQuoted(`b/${hostileDir}/a.c`)}`).replace(`+++ b/${hostileDir}/a.c`, `+++ ${gitQuoted(`b/${hostileDir}/a.c`)}`);

describe.each(['pretty', 'terse', 'emacs', 'b4'])('--format %s', (format) => {
  const run = runCli(['--format', format, '--no-color', '--jobs', '1', '-'], { input });

  it('reviews the patch (the finding is there) and writes no raw control or bidi character', () => {
    expectNoCrash(run);
    expect(run.status).toBe(3);
    expect(run.stdout).toContain('mem-leak');
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stderr).not.toMatch(RAW_CONTROL);
    expect(run.stderr).toContain('\\e]8;;http:evil.example/\\x07link');
    if (format === 'b4') {
      for (const entry of JSON.parse(run.stdout) as { summary: string; details: string }[]) {
        expect(entry.details).not.toMatch(RAW_CONTROL);
      }
    }
  });

  if (format === 'pretty') {
    it('shows what the patch holds, escaped', () => {
      expect(run.stdout).toContain('fix \\e]52;c;ZXZpbA==\\x07 the \\u202etxt.exe driver');
      expect(run.stdout).toContain('Mallory \\e[2J\\e[H');
      expect(run.stdout).toContain('/* \\e]0;owned\\x07 \\r\\e[1A */');
      // The file name as git quotes it.
      expect(run.stdout).toContain('"drivers/misc/\\033]8;;http:evil.example/\\alink\\033]8;;\\a/a.c":7:');
    });
  }
});

it('escapes the name of an input that cannot be read, on stderr', () => {
  const run = runCli(['--format', 'terse', `/nonexistent/${ESC}[2J${ESC}]0;title${BEL}.mbox`]);
  expectNoCrash(run);
  expect(run.status).toBe(2);
  expect(run.stderr).not.toMatch(RAW_CONTROL);
  expect(run.stderr).toContain('/nonexistent/\\e[2J\\e]0;title\\x07.mbox');
});

// `script` gives the command a terminal: drafts printed there are read, not sent.
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('terminal-escapes.test.ts: util-linux script is not installed; the reply-on-a-terminal case is skipped');
(hasScript ? it : it.skip)('reply drafts printed on a terminal show escapes, not obey them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cptlint-tty-'));
  try {
    const file = join(dir, 'hostile.mbox');
    writeFileSync(file, input);
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} reply --from 'R <r@example.org>' --jobs 1 ${JSON.stringify(file)}`;
    const run = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 60_000 });
    // (The bare CR splits the quoted line in a draft: every piece is quoted, see draft-quoting.test.ts.)
    expect(run.stdout).toContain('/* \\e]0;owned\\x07 ');
    expect(run.stdout).toContain('> \\e[1A */');
    // The terminal turns LF into CR LF; apart from that no control reaches it.
    expect(run.stdout.replace(/\r\n/g, '\n')).not.toMatch(RAW_CONTROL);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
