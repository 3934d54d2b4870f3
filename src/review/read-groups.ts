/**
 * The reading half of a review: the messages of one input become patches, and the patches
 * become series groups, as they arrive. Reading is cheap next to parsing and rules, so it
 * stays on the main thread while the groups may go to workers.
 */
import type { InputError, Patch } from '../model/types.js';
import type { ReviewInput } from '../model/review.js';
import { readMessages } from '../parsers/mbox.js';
import { parseMail } from '../parsers/mail.js';
import { mailToPatch } from '../parsers/patch.js';
import { SeriesGrouper } from './series.js';
import { isStackOverflow } from '../parsers/depth.js';

/** What reading gives, in input order: input errors, or a series group ready for review. */
export type ReadUnit = { kind: 'errors'; errors: InputError[] } | { kind: 'group'; patches: Patch[] };

/** Bytes of the input read so far (message bytes; mbox separators are not counted). */
export type ReadProgress = (source: string, bytesRead: number) => void;

/** Reads one input and yields its input errors and its series groups, in order. */
export async function* readGroups(input: ReviewInput, onRead?: ReadProgress, maxMessageBytes?: number): AsyncGenerator<ReadUnit> {
  const grouper = new SeriesGrouper();
  let index = 0;
  let sawCover = false;
  let firstNonPatch: { line: number; reason: string } | undefined;
  let bytesRead = 0;
  for await (const message of readMessages(input, { maxMessageBytes })) {
    if ('message' in message) {
      yield { kind: 'errors', errors: [message] };
      continue;
    }
    bytesRead += message.raw.length;
    onRead?.(input.source, bytesRead);
    let mail: Awaited<ReturnType<typeof parseMail>>;
    let result: ReturnType<typeof mailToPatch>;
    try {
      mail = await parseMail(message);
      if ('message' in mail) {
        yield { kind: 'errors', errors: [mail] };
        continue;
      }
      result = mailToPatch(mail, index);
    } catch (error) {
      // A mail nested beyond what the parsers' depth limits catch: this one message is lost, not the input.
      if (!isStackOverflow(error)) throw error;
      yield { kind: 'errors', errors: [{ source: input.source, line: message.startLine, message: 'this mail nests too deeply to read (stack overflow); it is not reviewed' }] };
      continue;
    }
    if (result.kind === 'cover') {
      sawCover = true;
      yield* groupUnit(grouper.coverLetter(result.mail));
      continue;
    }
    if (result.kind === 'not-a-patch') {
      firstNonPatch ??= { line: mail.startLine, reason: result.reason };
      continue;
    }
    index += 1;
    // A cover letter with a diff (0/n): it opens its series as a cover does, and is reviewed.
    if (result.patch.series?.number === 0) {
      sawCover = true;
      yield* groupUnit(grouper.coverLetter(result.patch.mail));
    }
    if (result.errors.length > 0) yield { kind: 'errors', errors: result.errors };
    yield* groupUnit(grouper.add(result.patch));
  }
  yield* groupUnit(grouper.flush());
  // A thread's replies beside its patches are expected; an input of replies alone is not what
  // the user meant to review, and says so.
  if (index === 0 && !sawCover && firstNonPatch) {
    yield { kind: 'errors', errors: [{ source: input.source, line: firstNonPatch.line, message: `no patch to review: ${firstNonPatch.reason}` }] };
  }
}

function* groupUnit(patches: Patch[]): Generator<ReadUnit> {
  if (patches.length > 0) yield { kind: 'group', patches };
}
