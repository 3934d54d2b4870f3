/**
 * How long our comments are: words of review prose per finding, in the terminal output
 * (pretty) and in the reply drafts, on the seed patch and on the corpus (issue 17: at most
 * 45 on average).
 *
 * What counts as prose: bench/voice-words.ts.
 *
 *   npm run build && node dist/bench/voice.js [--seed FILE] [--corpus FILE]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { review } from '../src/index.js';
import { draftWords, prettyWords } from './voice-words.js';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface VoiceFigures {
  patches: number;
  findings: number;
  prettyWords: number;
  draftWords: number;
}

async function measure(path: string): Promise<VoiceFigures> {
  const result = await review([{ source: path }]);
  const figures: VoiceFigures = { patches: result.patches.length, findings: 0, prettyWords: 0, draftWords: 0 };
  for (const patchReview of result.patches) {
    if (patchReview.findings.length === 0) continue;
    figures.findings += patchReview.findings.length;
    figures.prettyWords += prettyWords(patchReview);
    figures.draftWords += draftWords(patchReview);
  }
  return figures;
}

function perFinding(words: number, findings: number): string {
  return findings === 0 ? '-' : (words / findings).toFixed(1);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string', default: join(projectRoot, 'patches', '0008-introduce-functions-to-restart-a-process.mbox') },
      corpus: { type: 'string', default: resolve(projectRoot, '..', 'shared', 'corpus', 'all.mbox') },
    },
  });
  const inputs = [
    { name: 'seed', path: values.seed },
    { name: 'corpus', path: values.corpus },
  ];
  console.log('input    patches  findings  pretty words/finding  draft words/finding');
  for (const input of inputs) {
    if (!existsSync(input.path)) {
      console.log(`${input.name.padEnd(8)} (${input.path} not found)`);
      continue;
    }
    const figures = await measure(input.path);
    console.log(
      `${input.name.padEnd(8)} ${String(figures.patches).padStart(7)}  ${String(figures.findings).padStart(8)}  ` +
        `${perFinding(figures.prettyWords, figures.findings).padStart(20)}  ${perFinding(figures.draftWords, figures.findings).padStart(19)}`,
    );
  }
}

await main();
