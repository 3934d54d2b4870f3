/**
 * The rules test what a C file mentions on `shownText` (the lines the patch shows and their
 * @@ headings) before they ask for the built text or the tree, so that files no rule needs
 * are neither built nor parsed. That is sound only if every word of the built text is in
 * the shown text, bar the words cptlint invents when it synthesises context. Checked here on
 * every C file of the corpus, and on small cases of each kind of invented row.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FileChange } from '../../src/model/types.js';
import { buildCSource, buildCText } from '../../src/parsers/c.js';
import { parseDiff } from '../../src/parsers/diff.js';
import { shownTextOf } from '../../src/parsers/source-lines.js';
import { initTreeSitter } from '../../src/parsers/treesitter.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const corpusDir = path.resolve(repoRoot, '../shared/corpus/kernel-patches');
const hasCorpus = existsSync(corpusDir);
if (!hasCorpus) console.warn(`corpus-shown-text: corpus skipped, ${corpusDir} is absent`);

/** Words cptlint puts in rows it invents: keywords, directives, its own names, joined type names. */
function isInventedWord(word: string): boolean {
  return (
    /^__cptlint_\w+$/.test(word) ||
    /^(?:unsigned|signed|long|short)_\w+$/.test(word) ||
    ['if', 'else', 'do', 'while', 'struct', 'void', 'long', 'int', 'const', 'static', 'define', 'endif'].includes(word)
  );
}

function words(text: string): Set<string> {
  return new Set(text.match(/[A-Za-z_$][\w$]*/g));
}

function wordsOnlyBuilt(file: FileChange): string[] {
  const shown = words(shownTextOf(file));
  return [...words(buildCText(file).text)].filter((word) => !shown.has(word) && !isInventedWord(word));
}

function cFilesOf(diff: string, source: string): FileChange[] {
  return parseDiff(diff, { source, firstInputLine: 1 }).files.filter((file) => file.language === 'c' && file.postImage !== null);
}

describe('shownText', () => {
  const diff = [
    'diff --git a/drivers/misc/a.c b/drivers/misc/a.c',
    '--- a/drivers/misc/a.c',
    '+++ b/drivers/misc/a.c',
    '@@ -40,4 +40,5 @@ static int a_probe(struct platform_device *pdev)',
    ' \tif (ret)',
    ' \t\tgoto out;',
    '+\tp = kmalloc(sizeof(*p), GFP_KERNEL);',
    ' \treturn 0;',
    ' }',
    '',
  ].join('\n');

  it('holds the lines the patch shows and the @@ heading above them', () => {
    const [file] = cFilesOf(diff, 'a.patch');
    expect(shownTextOf(file)).toBe(
      ['static int a_probe(struct platform_device *pdev)', '\tif (ret)', '\t\tgoto out;', '\tp = kmalloc(sizeof(*p), GFP_KERNEL);', '\treturn 0;', '}'].join('\n'),
    );
  });

  it('is read without building the text or parsing the tree', async () => {
    await initTreeSitter();
    const [file] = cFilesOf(diff, 'a.patch');
    const source = buildCSource(file);
    if (source === null) throw new Error('a.c has a post-image');
    expect(source.shownText).toContain('kmalloc(');
    expect(source.isParsed()).toBe(false);
    expect(source.functions.map((fn) => fn.name)).toEqual(['a_probe']);
    expect(source.isParsed()).toBe(true);
    source.free();
  });

  it('has every word of a built text whose head comes from the heading', () => {
    const [file] = cFilesOf(diff, 'a.patch');
    expect(wordsOnlyBuilt(file)).toEqual([]);
  });
});

(hasCorpus ? describe : describe.skip)('shownText on the corpus', () => {
  it('has every word of the built text but those cptlint invents, for every C file', () => {
    const missing: string[] = [];
    let files = 0;
    for (const name of readdirSync(corpusDir).filter((entry) => entry.endsWith('.patch')).sort()) {
      for (const file of cFilesOf(readFileSync(path.join(corpusDir, name), 'utf8'), name)) {
        files += 1;
        for (const word of wordsOnlyBuilt(file)) missing.push(`${name} ${file.path}: ${word}`);
      }
    }
    expect(files).toBeGreaterThan(800);
    expect(missing).toEqual([]);
  });
});
