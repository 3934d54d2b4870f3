/**
 * The GAS parser on real kernel assembler: every .S hunk of the corpus patches (linker
 * scripts aside) and the seed patch's entry_32.S hunks parse with no statement or operand
 * left unclassified, on the architecture their path (or text) says.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AsmSource } from '../../src/model/source.js';
import type { FileChange } from '../../src/model/types.js';
import { guessArchFromText, isLinkerScript, parseAsmSource } from '../../src/parsers/asm.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedDir = path.resolve(repoRoot, '../shared');
const corpusDir = path.join(sharedDir, 'corpus/kernel-patches');
const seedPatch = path.join(sharedDir, 'seed/0008-introduce-functions-to-restart-a-process.mbox');
const hasCorpus = existsSync(corpusDir);
const hasSeed = existsSync(seedPatch);

// A skipped suite says why, loudly (the project's rule for tests that need shared/).
if (!hasCorpus) console.warn(`corpus-asm: corpus skipped, ${corpusDir} is absent`);
if (!hasSeed) console.warn(`corpus-asm: seed skipped, ${seedPatch} is absent`);

const STATEMENT_TYPES = new Set(['label', 'directive', 'macro_call', 'instruction', 'preprocessor', 'comment']);

/** The files of a patch: its diff starts at the first `diff --git`, or `--- ` line followed by `+++ `. */
function filesOf(patchText: string, source: string): FileChange[] {
  const lines = patchText.split('\n');
  const start = lines.findIndex(
    (line, index) => line.startsWith('diff --git ') || (line.startsWith('--- ') && (lines[index + 1] ?? '').startsWith('+++ ')),
  );
  if (start < 0) return [];
  const { files, errors } = parseDiff(lines.slice(start).join('\n'), { source, firstInputLine: start + 1 });
  expect(errors).toEqual([]);
  return files;
}

function isAssembler(file: FileChange): boolean {
  return file.path.endsWith('.S') && file.postImage !== null;
}

/** What is wrong with a parsed file: unknown nodes, statements of other types, prose read as instructions. */
function problemsOf(source: AsmSource, label: string): string[] {
  const problems: string[] = [];
  const root = source.root;
  for (const node of root.descendantsOfType('unknown')) {
    problems.push(`${label}:${source.postLineOfRow(node.startPosition.row)}: unknown ${JSON.stringify(node.text)}`);
  }
  for (const statement of root.namedChildren) {
    if (!STATEMENT_TYPES.has(statement.type)) {
      problems.push(`${label}:${source.postLineOfRow(statement.startPosition.row)}: statement of type ${statement.type}`);
    }
  }
  // A capitalised word as a mnemonic is comment prose the parser took for code.
  for (const instruction of root.descendantsOfType('instruction')) {
    const mnemonic = instruction.childForFieldName('mnemonic')?.text ?? '';
    if (/^[A-Z][a-z]+$/.test(mnemonic)) {
      problems.push(`${label}:${source.postLineOfRow(instruction.startPosition.row)}: prose as code ${JSON.stringify(instruction.text)}`);
    }
  }
  return problems;
}

/** The arch/<name>/ directory, or for the one driver file outside arch/, the architecture its code is for. */
function expectedArchOf(filePath: string): string {
  const directory = /^arch\/([a-z0-9]+)\//.exec(filePath)?.[1];
  if (directory !== undefined) return directory;
  return filePath === 'drivers/usb/host/dwc_otg/dwc_otg_fiq_stub.S' ? 'arm' : 'unknown';
}

(hasCorpus ? describe : describe.skip)('the corpus .S hunks', () => {
  let assemblerFiles: { patch: string; file: FileChange }[] = [];

  beforeAll(async () => {
    await initTreeSitter();
    assemblerFiles = readdirSync(corpusDir)
      .filter((name) => name.endsWith('.patch'))
      .sort()
      .flatMap((name) =>
        filesOf(readFileSync(path.join(corpusDir, name), 'utf8'), name)
          .filter(isAssembler)
          .map((file) => ({ patch: name, file })),
      );
  });

  it('finds the corpus .S files', () => {
    expect(assemblerFiles.length).toBe(32);
    expect(assemblerFiles.filter(({ file }) => isLinkerScript(file.path)).length).toBe(4);
  });

  it('parses every hunk with no unknown or unclassified statement, on the right architecture', () => {
    const problems: string[] = [];
    let statements = 0;
    for (const { patch, file } of assemblerFiles) {
      if (isLinkerScript(file.path)) {
        expect(parseAsmSource(file)).toBeNull();
        continue;
      }
      const source = parseAsmSource(file);
      expect(source).not.toBeNull();
      if (source === null) continue;
      expect([patch, source.arch]).toEqual([patch, expectedArchOf(file.path)]);
      statements += source.root.namedChildren.length;
      problems.push(...problemsOf(source, `${patch} ${file.path}`));
    }
    expect(problems).toEqual([]);
    expect(statements).toBeGreaterThan(4000);
  });

  it('guesses the architecture from the text alone without contradicting the path', () => {
    const guesses = assemblerFiles
      .filter(({ file }) => !isLinkerScript(file.path))
      .map(({ patch, file }) => {
        const text = (file.postImage?.segments ?? []).flatMap((segment) => segment.lines).join('\n');
        return { patch, expected: expectedArchOf(file.path), guessed: guessArchFromText(text) };
      });
    const wrong = guesses.filter(({ expected, guessed }) => guessed !== 'unknown' && guessed !== expected);
    expect(wrong).toEqual([]);
    expect(guesses.filter(({ guessed }) => guessed === 'unknown').length).toBeLessThanOrEqual(2);
  });

  it('reads the #defines of the .S files', () => {
    const poly1305 = assemblerFiles.find(({ file }) => file.path === 'arch/x86/crypto/poly1305-avx2-x86_64.S');
    const mips = assemblerFiles.find(({ file }) => file.path === 'arch/mips/crypto/chacha-core.S');
    const polySource = poly1305 === undefined ? null : parseAsmSource(poly1305.file);
    expect(polySource?.defines.find((define) => define.name === 'u2')?.value).toBe('0x08(%r8)');
    const mipsSource = mips === undefined ? null : parseAsmSource(mips.file);
    expect(mipsSource?.defines.find((define) => define.name === 'CHACHA20_BLOCK_SIZE')?.numeric).toBe(64);
  });
});

(hasSeed ? describe : describe.skip)('the seed patch entry_32.S', () => {
  let source: AsmSource | null = null;

  beforeAll(async () => {
    await initTreeSitter();
    const entry = filesOf(readFileSync(seedPatch, 'utf8'), 'seed').find((file) => file.path === 'arch/x86/kernel/entry_32.S');
    source = entry === undefined ? null : parseAsmSource(entry);
  });

  it('parses both hunks with nothing unclassified', () => {
    expect(source).not.toBeNull();
    if (source === null) return;
    expect(source.arch).toBe('x86');
    expect(problemsOf(source, 'entry_32.S')).toEqual([]);
  });

  it('finds addl $256, %esp on post-image line 252 with the immediate 256', () => {
    if (source === null) throw new Error('entry_32.S not parsed');
    const lines = source;
    const addl = source.root
      .descendantsOfType('instruction')
      .find((node) => node.childForFieldName('mnemonic')?.text === 'addl' && node.text.includes('$256'));
    expect(addl).toBeDefined();
    if (addl === undefined) return;
    expect(lines.postLineOfRow(addl.startPosition.row)).toBe(252);
    expect(lines.isAdded(252)).toBe(true);
    const [immediate, register] = addl.childrenForFieldName('operand');
    expect([immediate.type, immediate.value, register.type, register.text]).toEqual(['immediate', 256, 'register', '%esp']);
    expect(immediate.startPosition.column).toBe(7);
  });

  it('reads the labels, macros and the indirect call of the new function', () => {
    if (source === null) throw new Error('entry_32.S not parsed');
    const root = source.root;
    const labels = root.descendantsOfType('label_name').map((node) => node.text);
    expect(labels).toEqual(['ret_from_fork_tail', '1']);
    const macros = root.descendantsOfType('macro_name').map((node) => node.text);
    expect(macros).toEqual(expect.arrayContaining(['ENTRY', 'END', 'CFI_STARTPROC', 'CFI_ADJUST_CFA_OFFSET', 'GET_THREAD_INFO']));
    expect(root.descendantsOfType('indirect').map((node) => node.text)).toEqual(['*%eax']);
    expect(root.descendantsOfType('local_label_ref').map((node) => node.text)).toEqual(['1f']);
  });
});
