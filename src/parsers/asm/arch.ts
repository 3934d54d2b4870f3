/**
 * Which architecture a .S file is written for: from its path (arch/<name>/, or an
 * architecture word in a directory or file name such as `chacha-x86_64.S`), and when the path
 * says nothing, from the register names and idioms of its text.
 */
import type { AsmArch } from '../../model/source.js';

/** Words of a path (split at `/`, `-`, `_`, `.`) that name an architecture. */
const ARCH_WORDS: [AsmArch, string[]][] = [
  ['x86', ['x86', 'x86_64', 'x64', 'i386', 'i586', 'i686', 'amd64', 'ia32', 'avx', 'avx2', 'avx512', 'sse2', 'ssse3']],
  ['arm64', ['arm64', 'aarch64', 'armv8']],
  ['arm', ['arm', 'armv4', 'armv5', 'armv6', 'armv7', 'thumb', 'thumb2']],
  ['mips', ['mips', 'mips32', 'mips64', 'octeon']],
  ['riscv', ['riscv', 'riscv32', 'riscv64', 'rv32', 'rv64']],
  ['arc', ['arc']],
  ['powerpc', ['powerpc', 'ppc', 'ppc64', 'ppc64le']],
];

function archOfWords(words: string[]): AsmArch | null {
  for (const [arch, names] of ARCH_WORDS) {
    if (words.some((word) => names.includes(word))) return arch;
  }
  return null;
}

/** The architecture the path names; null when it names none. */
function archOfPathOnly(path: string): AsmArch | null {
  const lower = path.toLowerCase();
  const archDirectory = /(?:^|\/)arch\/([a-z0-9_]+)\//.exec(lower);
  if (archDirectory !== null) {
    const name = archDirectory[1];
    if (name === 'x86' || name === 'um') return 'x86';
    // An architecture this parser has no dialect for: its directory still says it is none of ours.
    return archOfWords([name]) ?? 'unknown';
  }
  const segments = lower.split('/');
  for (let index = segments.length - 1; index >= 0; index--) {
    // `x86_64` is one word: split on `-` and `.` first, then also try the `_` pieces.
    const coarse = segments[index].split(/[-.]/);
    const fine = coarse.flatMap((word) => word.split('_'));
    const arch = archOfWords(coarse) ?? archOfWords(fine);
    if (arch !== null) return arch;
  }
  return null;
}

/** Register names and idioms of each architecture's GAS syntax: the text's counts decide. */
const ARCH_EVIDENCE: [AsmArch, RegExp][] = [
  ['x86', /%(?:[re]?[abcd]x|[re]?[sd]i|[re]?[sb]p|r(?:[89]|1[0-5])[dwb]?|[abcd][lh]|[xyz]mm\d+|[cdefgs]s)\b/g],
  ['arm64', /(?<![\\$%.])\b(?:[xw](?:[12]?\d|30)|v\d{1,2}\.\d*[bhsdq]|xzr|wzr)\b/g],
  // `#imm`, `=literal` and `@` comments are ARM's (arm64 writes `#imm` too, but its x/w
  // registers outnumber it). ARC and PowerPC name registers rN as ARM does: rN counts for all three.
  ['arm', /(?<![\\$%.])\br(?:1[0-5]|\d)\b|(?<=[\s,])=\w|\b(?:ldm|stm)(?:ia|ib|da|db|fd|ed|fa|ea)\b|\b(?:cpsr|spsr)\b|\{r\d|@ |\s\.req\s|(?<=[\s,])#(?!\s|define|include|if|else|endif|undef)[-\w(:]|\.(?:arm|thumb|arch armv\d)\b/g],
  ['mips', /\$(?:sp|ra|at|zero|gp|fp|[atsvk]\d|\d{1,2})\b/g],
  ['riscv', /(?<![\\$%.])\b(?:a[0-7]|t[0-6]|s(?:1[01]|\d)|ra|zero|auipc|jalr|csr[rwsc]i?|slli|srli|srai|REG_[LS])\b(?!\.)/g],
  ['arc', /(?<![\\$%.])\br(?:[1-5]?\d|6[0-3])\b|\b(?:blink|lp_count|ilink[12]?|pcl|[a-z]+_s|[a-z]+\.(?:ab|as|aw|di|d))\b|^\s*;/gm],
  ['powerpc', /(?<![\\$%.])\br(?:[12]?\d|3[01])\b|\b(?:mflr|mtlr|mfspr|mtspr|stwu|stdu|lwz|blr|bctr|mfcr|mtcr|lis)\b|\(r(?:[12]?\d|3[01])\)|@h?a\b/g],
];

/** The text without its block comments (licence texts name registers of no architecture). */
function withoutBlockComments(text: string): string {
  const pieces: string[] = [];
  let offset = 0;
  for (let open = text.indexOf('/*'); open !== -1; open = text.indexOf('/*', offset)) {
    pieces.push(text.slice(offset, open));
    const close = text.indexOf('*/', open + 2);
    offset = close === -1 ? text.length : close + 2;
  }
  pieces.push(text.slice(offset));
  return pieces.join(' ');
}

/** Best guess from the text: the architecture with the most distinctive evidence; unknown when none. */
export function guessArchFromText(text: string): AsmArch {
  const code = withoutBlockComments(text);
  let best: AsmArch = 'unknown';
  let bestCount = 0;
  for (const [arch, pattern] of ARCH_EVIDENCE) {
    const count = code.match(pattern)?.length ?? 0;
    if (count > bestCount) {
      best = arch;
      bestCount = count;
    }
  }
  return best;
}

/**
 * The architecture of a .S file from its path; when the path names none and `text` is given,
 * guessed from the text.
 */
export function archOfPath(path: string, text?: string): AsmArch {
  return archOfPathOnly(path) ?? (text === undefined ? 'unknown' : guessArchFromText(text));
}
