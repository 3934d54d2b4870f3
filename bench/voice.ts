/**
 * How long our comments are: words of review prose per finding, in the terminal output
 * (pretty) and in the reply drafts, on the seed patch and on the corpus (issue 17: at most
 * 45 on average).
 *
 * Counted: every line a reader reads as our prose. Not counted: quoted patch lines, the
 * `[...]` elisions, the headers (subject and author, `file:line:`, the rule trailer, the
 * closing summary, the attribution line) and the sign-off.
 *
 *   npm run build && node dist/bench/voice.js [--seed FILE] [--corpus FILE]
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { review } from '../src/index.js';
import type { PatchReview } from '../src/model/types.js';
import { createPrettyReporter } from '../src/report/pretty.js';
import { buildReplyDraft } from '../src/report/reply.js';

const SIGNATURE = 'Reviewer';
const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Words as a reader counts them: runs of non-space text holding a letter or a digit. */
function wordCount(line: string): number {
  return line.split(/\s+/).filter((token) => /[A-Za-z0-9]/.test(token)).length;
}

function isPrettyHeader(line: string): boolean {
  return /^\S+:\d+:$/.test(line) || /^\s*\((error|warning|info): [\w-]+\)$/.test(line) || /^\d+ patch(es)? reviewed/.test(line);
}

/** Prose words of the pretty output of one patch (its two heading lines left out). */
function prettyWords(patchReview: PatchReview): number {
  const reporter = createPrettyReporter({ colorLevel: 0 });
  const lines = reporter.patch(patchReview).split('\n').slice(2);
  return lines.filter((line) => !line.startsWith('>') && !isPrettyHeader(line)).reduce((sum, line) => sum + wordCount(line), 0);
}

/** Prose words of the reply draft's body: after the attribution, before the sign-off. */
function draftWords(patchReview: PatchReview): number {
  const draft = buildReplyDraft(patchReview, { from: `${SIGNATURE} <reviewer@example.org>`, date: new Date(0), messageId: 'voice@example.org' });
  const body = draft.slice(draft.indexOf('\n\n') + 2).split('\n');
  const firstQuote = body.findIndex((line) => line.startsWith('>'));
  const signOff = body.lastIndexOf(SIGNATURE);
  const prose = body.slice(firstQuote, signOff < 0 ? body.length : signOff);
  return prose.filter((line) => !line.startsWith('>') && line.trim() !== '[...]').reduce((sum, line) => sum + wordCount(line), 0);
}

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
