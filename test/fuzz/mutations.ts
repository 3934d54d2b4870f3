/**
 * fast-check arbitraries for robustness tests: real samples (fixtures, corpus patches) cut,
 * with lines duplicated, shuffled or dropped, random bytes written in, line ends turned to
 * CRLF; and line soup made of the structural lines mails, diffs and GAS files are built of.
 */
import fc from 'fast-check';

export type Mutation =
  | { kind: 'cut'; from: number; to: number }
  | { kind: 'duplicate'; from: number; length: number; at: number }
  | { kind: 'shuffle'; from: number; length: number; seed: number }
  | { kind: 'drop'; from: number; length: number }
  | { kind: 'bytes'; at: number; bytes: Uint8Array }
  | { kind: 'crlf' }
  | { kind: 'truncate'; at: number }
  | { kind: 'hostile'; at: number; lines: string[] };

const position = fc.nat({ max: 1_000_000 });

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('cut' as const), from: position, to: position }),
  fc.record({ kind: fc.constant('duplicate' as const), from: position, length: fc.integer({ min: 1, max: 40 }), at: position }),
  fc.record({ kind: fc.constant('shuffle' as const), from: position, length: fc.integer({ min: 2, max: 30 }), seed: fc.nat() }),
  fc.record({ kind: fc.constant('drop' as const), from: position, length: fc.integer({ min: 1, max: 20 }) }),
  fc.record({ kind: fc.constant('bytes' as const), at: position, bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('hostile' as const), at: position, lines: fc.constant(null).chain(() => hostileLines) }),
);

/** A run of `count` copies of a construct, nested or chained (issue 14.1's shapes). */
const depth = fc.integer({ min: 1, max: 3000 });

/**
 * Lines a hostile sender writes (issue 14): deep nesting in added C lines, terminal escapes
 * and bidi controls, a newline in a file name, an overlong or nested header. Inserted as
 * lines; `+` lines land in hunks and reach the parsers and the rules.
 */
export const hostileLines: fc.Arbitrary<string[]> = fc.oneof(
  depth.map((count) => [...Array<string>(count).fill('+\tif (x) {'), '+\t\tkfree(p);', ...Array<string>(count).fill('+\t}')]),
  depth.map((count) => ['+\tif (x == 0) return -EIO;', ...Array.from({ length: count }, (_, index) => `+\telse if (x == ${index + 1}) return -EIO;`)]),
  depth.map((count) => [`+\treturn ${Array<string>(count * 2).fill('x').join(' + ')};`]),
  depth.map((count) => [`+\treturn ${'('.repeat(count * 3)}x${')'.repeat(count * 3)};`, `+\tint ${'*'.repeat(count * 3)}q;`]),
  fc.constantFrom<string[]>(
    ['+\t/* \x1b]52;c;ZXZpbA==\x07 \x1b]0;title\x07 \x1b[2J \r\u202e */'],
    ['Subject: [PATCH] \x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202etxt.exe'],
    ['From: =?utf-8?q?Jane=0AFrom:_x=00?= <jane@example.org>', 'To: "victim@evil.example" <a@example.org>'],
    ['diff --git "a/x\\nERROR: forged.c" "b/x\\nERROR: forged.c"', '+++ "b/x\\nERROR: forged.c"'],
  ),
  depth.map((count) => [`From: Jane ${'('.repeat(count * 3)} <jane@example.org>`, `To: ${'Re: '.repeat(count * 10)}`, `Subject: [PATCH 0/1] ${'s'.repeat(count * 30)}`]),
);

function splitLinesKeepingEnds(buffer: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) {
    lines.push(buffer.subarray(start, at + 1));
    start = at + 1;
  }
  if (start < buffer.length) lines.push(buffer.subarray(start));
  return lines;
}

/** A deterministic shuffle (Fisher-Yates with a small LCG), so a failure replays from its seed. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  for (let index = out.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    const other = state % (index + 1);
    [out[index], out[other]] = [out[other], out[index]];
  }
  return out;
}

export function applyMutation(input: Buffer, change: Mutation): Buffer {
  const lines = splitLinesKeepingEnds(input);
  const lineAt = (value: number) => (lines.length === 0 ? 0 : value % (lines.length + 1));
  switch (change.kind) {
    case 'cut': {
      const [from, to] = [lineAt(change.from), lineAt(change.to)].sort((a, b) => a - b);
      return Buffer.concat(lines.slice(from, Math.max(to, from + 1)));
    }
    case 'duplicate': {
      const from = lineAt(change.from);
      const copy = lines.slice(from, from + change.length);
      const at = lineAt(change.at);
      return Buffer.concat([...lines.slice(0, at), ...copy, ...lines.slice(at)]);
    }
    case 'shuffle': {
      const from = lineAt(change.from);
      const window = shuffled(lines.slice(from, from + change.length), change.seed);
      return Buffer.concat([...lines.slice(0, from), ...window, ...lines.slice(from + change.length)]);
    }
    case 'drop': {
      const from = lineAt(change.from);
      return Buffer.concat([...lines.slice(0, from), ...lines.slice(from + change.length)]);
    }
    case 'bytes': {
      const at = input.length === 0 ? 0 : change.at % (input.length + 1);
      return Buffer.concat([input.subarray(0, at), Buffer.from(change.bytes), input.subarray(at)]);
    }
    case 'crlf':
      return Buffer.from(input.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'truncate':
      return input.subarray(0, input.length === 0 ? 0 : change.at % (input.length + 1));
    case 'hostile': {
      const at = lineAt(change.at);
      return Buffer.concat([...lines.slice(0, at), Buffer.from(change.lines.map((line) => `${line}\n`).join(''), 'utf8'), ...lines.slice(at)]);
    }
  }
}

/** One of the samples with up to `maxMutations` mutations applied in turn. */
export function mutatedSample(samples: readonly Buffer[], maxMutations = 4): fc.Arbitrary<Buffer> {
  return fc
    .record({ sample: fc.nat({ max: samples.length - 1 }), changes: fc.array(mutation, { maxLength: maxMutations }) })
    .map(({ sample, changes }) => changes.reduce(applyMutation, samples[sample]));
}

/** Text made of the given structural lines and arbitrary ones, joined with LF. */
export function lineSoup(pieces: readonly string[], maxLines = 60): fc.Arbitrary<string> {
  const line = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pieces) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  );
  return fc.array(line, { maxLength: maxLines }).map((lines) => lines.join('\n'));
}

export function lineCount(text: string | Buffer): number {
  const asText = typeof text === 'string' ? text : text.toString('latin1');
  return asText.split('\n').length;
}
