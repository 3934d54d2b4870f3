/**
 * Words of review prose, as issue 17 counts them: every line a reader reads as our prose.
 * Not counted: quoted patch lines, the `[...]` elisions, the headers (subject and author,
 * `file:line:`, the rule trailer, the closing summary, the attribution line) and the sign-off.
 * bench/voice.ts prints the figures; test/report/voice.test.ts holds the seed to them.
 */
import type { PatchReview } from '../src/model/types.js';
import { createPrettyReporter } from '../src/report/pretty.js';
import { buildReplyDraft } from '../src/report/reply.js';

const SIGNATURE = 'Reviewer';

/** Words as a reader counts them: runs of non-space text holding a letter or a digit. */
export function wordCount(line: string): number {
  return line.split(/\s+/).filter((token) => /[A-Za-z0-9]/.test(token)).length;
}

function isPrettyHeader(line: string): boolean {
  return /^\S+:\d+:$/.test(line) || /^\s*\((error|warning|info): [\w-]+\)$/.test(line) || /^\d+ patch(es)? reviewed/.test(line);
}

/** Prose words of the pretty output of one patch (its two heading lines left out). */
export function prettyWords(patchReview: PatchReview): number {
  const reporter = createPrettyReporter({ colorLevel: 0 });
  const lines = reporter.patch(patchReview).split('\n').slice(2);
  return lines.filter((line) => !line.startsWith('>') && !isPrettyHeader(line)).reduce((sum, line) => sum + wordCount(line), 0);
}

/** The reply draft of one review, signed SIGNATURE. */
export function voiceDraft(patchReview: PatchReview): string {
  return buildReplyDraft(patchReview, { from: `${SIGNATURE} <reviewer@example.org>`, date: new Date(0), messageId: 'voice@example.org' });
}

/** The prose lines of a reply draft's body: after the attribution, before the sign-off; no quote, no elision. */
export function draftProse(draft: string): string[] {
  const body = draft.slice(draft.indexOf('\n\n') + 2).split('\n');
  const firstQuote = body.findIndex((line) => line.startsWith('>'));
  const signOff = body.lastIndexOf(SIGNATURE);
  const prose = body.slice(firstQuote, signOff < 0 ? body.length : signOff);
  return prose.filter((line) => !line.startsWith('>') && line.trim() !== '[...]');
}

/** Prose words of the reply draft of one review. */
export function draftWords(patchReview: PatchReview): number {
  return draftProse(voiceDraft(patchReview)).reduce((sum, line) => sum + wordCount(line), 0);
}

