/**
 * A Mail to a Patch: the commit message and the diff cut as `git mailinfo` cuts them, the
 * author and title `git am` would record, the series position from the subject. Cover
 * letters (0/n) and mails without a diff of their own (replies quoting one) are told apart.
 */
import type { InputError, Mail, Patch, SeriesPosition, SubjectInfo } from '../model/types.js';
import { mailinfoAuthor, mailinfoSubject, splitBody, type BodySplit } from './body-split.js';
import { parseDiff } from './diff.js';
import { formatAuthor } from './mail-header.js';
import { parseSubject, subjectTitle } from './subject.js';

export type PatchOrNot =
  | { kind: 'patch'; patch: Patch; errors: InputError[] }
  | { kind: 'cover'; mail: Mail }
  | { kind: 'not-a-patch'; mail: Mail; reason: string };

/** A quoted diff line of a reply: "> diff --git", "> @@ -1,2 +1,3 @@", "> +++ b/...". */
const QUOTED_DIFF_LINE = /^(?:> ?)+(?:diff --git |@@ -\d|--- a\/|\+\+\+ b\/|Index: )/m;

function seriesPosition(info: SubjectInfo): SeriesPosition | null {
  if (info.number === null || info.total === null) return null;
  return { version: info.version, number: info.number, total: info.total };
}

function notAPatchReason(mail: Mail, info: SubjectInfo, split: BodySplit): string {
  const isReply = info.isReply || mail.inReplyTo !== null;
  if (isReply && QUOTED_DIFF_LINE.test(mail.body)) return 'a reply that quotes a patch: its diff lines are all quoted with "> "';
  if (split.diffLine === null) return 'no diff in the mail body';
  return `no file diff after the patch break at body line ${split.diffLine + 1}`;
}

/** The commit message; for an attached patch without one, the text of the parts before it. */
function commitMessageOf(mail: Mail, split: BodySplit): string {
  if (split.commitMessage.trim() === '' && mail.precedingText) return mail.precedingText.trim();
  return split.commitMessage;
}

/**
 * @param index the position of this patch among the patches read from the same source (0-based)
 */
export function mailToPatch(mail: Mail, index: number): PatchOrNot {
  const subjectInfo = parseSubject(mail.subject);
  // A cover letter (0/n) is reviewed as a patch too when it carries a diff: a hostile series
  // could otherwise hide its change there ("0 patches reviewed", exit 0).
  const isCover = subjectInfo.number === 0 && subjectInfo.total !== null;

  const split = splitBody(mail.body);
  if (split.diffLine === null) return isCover ? { kind: 'cover', mail } : { kind: 'not-a-patch', mail, reason: notAPatchReason(mail, subjectInfo, split) };

  const firstInputLine = mail.bodyStartLine === null ? null : mail.bodyStartLine + split.diffLine;
  const diff = parseDiff(split.diffText, { source: mail.source, firstInputLine });
  if (diff.files.length === 0) return isCover ? { kind: 'cover', mail } : { kind: 'not-a-patch', mail, reason: notAPatchReason(mail, subjectInfo, split) };

  const patch: Patch = {
    source: mail.source,
    index,
    mail,
    subject: mail.subject,
    title: subjectTitle(mailinfoSubject(mail, split)),
    subjectInfo,
    author: formatAuthor(mailinfoAuthor(mail, split)),
    series: seriesPosition(subjectInfo),
    commitMessage: commitMessageOf(mail, split),
    files: diff.files,
    diffText: split.diffText,
  };
  return { kind: 'patch', patch, errors: diff.errors };
}
