/**
 * A mail body cut as `git mailinfo` cuts it (handle_commit_msg in mailinfo.c): in-body
 * "From:", "Subject:", "Date:" lines at the top override the mail's headers, the commit
 * message runs up to the patch break ("---", "diff -", "Index: "), and the rest is the diff.
 */
import type { Mail, MailAddress } from '../model/types.js';
import { decodeEncodedWords, headerValue, isGitSpace, parseAuthor } from './mail-header.js';
import { isPatchBreak, isScissorsLine } from './patch-break.js';

export interface BodySplitOptions {
  /** Honour scissors lines ("-- >8 --"): what is above one is dropped. Off, as in git am. */
  scissors?: boolean;
}

export interface BodySplit {
  /** In-body header values, RFC 2047 decoded; null when absent. */
  inBodyFrom: string | null;
  inBodySubject: string | null;
  inBodyDate: string | null;
  /** The commit message: the body between the in-body headers and the patch break. */
  commitMessage: string;
  /** 0-based body line of the patch break (the diff's first line); null when there is none. */
  diffLine: number | null;
  /** The body from the patch break on ("" when there is none). */
  diffText: string;
}

const IN_BODY_HEADERS = ['From', 'Subject', 'Date'] as const;
type InBodyHeader = (typeof IN_BODY_HEADERS)[number];

/** git format-patch's "From <sha1> Mon Sep 17 00:00:00 2001" line. */
function isFormatPatchSeparator(line: string): boolean {
  return /^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/.test(line);
}

/** The in-body header state machine: check_inbody_header and its accumulator. */
class InBodyHeaders {
  readonly values: Record<InBodyHeader, string | null> = { From: null, Subject: null, Date: null };
  private pending: string | null = null;

  /** Takes `line` as an in-body header (or its continuation); false when it is not one. */
  take(line: string, scissors: boolean): boolean {
    if (this.pending !== null && (line[0] === ' ' || line[0] === '\t')) {
      if (scissors && isScissorsLine(line)) {
        this.flush();
        return false;
      }
      this.pending += line;
      return true;
    }
    this.flush();
    if (line.startsWith('>From') && (line.length === 5 || isGitSpace(line[5]))) return isFormatPatchSeparator(line.slice(1));
    if (line.startsWith('[PATCH]') && (line.length === 7 || isGitSpace(line[7]))) {
      this.values.Subject = line;
      return true;
    }
    if (IN_BODY_HEADERS.some((name) => this.values[name] === null && headerValue(line, name) !== null)) {
      this.pending = line;
      return true;
    }
    return false;
  }

  get hasPending(): boolean {
    return this.pending !== null;
  }

  flush(): void {
    if (this.pending === null) return;
    for (const name of IN_BODY_HEADERS) {
      const value = this.values[name] === null ? headerValue(this.pending, name) : null;
      if (value !== null) {
        this.values[name] = decodeEncodedWords(value);
        break;
      }
    }
    this.pending = null;
  }

  reset(): void {
    this.values.From = this.values.Subject = this.values.Date = null;
    this.pending = null;
  }
}

function trimTrailingBlankLines(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  return lines.slice(0, end);
}

export function splitBody(body: string, options: BodySplitOptions = {}): BodySplit {
  const scissors = options.scissors ?? false;
  const headers = new InBodyHeaders();
  let headerStage = true;
  let message: string[] = [];
  let diffLine: number | null = null;
  let diffText = '';
  let start = 0;
  for (let lineIndex = 0; start < body.length; lineIndex++) {
    let end = body.indexOf('\n', start);
    if (end < 0) end = body.length;
    const line = body.slice(start, end);
    const lineStart = start;
    start = end + 1;

    if (headerStage && line === '') {
      if (headers.hasPending) {
        headers.flush();
        headerStage = false;
      }
      continue;
    }
    if (headerStage) {
      headerStage = headers.take(line, scissors);
      if (headerStage) continue;
    }
    if (scissors && isScissorsLine(line)) {
      message = [];
      headerStage = true;
      headers.reset();
      continue;
    }
    if (isPatchBreak(line)) {
      diffLine = lineIndex;
      diffText = body.slice(lineStart);
      break;
    }
    message.push(line);
  }
  headers.flush();
  return {
    inBodyFrom: headers.values.From,
    inBodySubject: headers.values.Subject,
    inBodyDate: headers.values.Date,
    commitMessage: trimTrailingBlankLines(message).join('\n'),
    diffLine,
    diffText,
  };
}

/** The author `git mailinfo` reports: the in-body From when the mail carries a patch, else the header's. */
export function mailinfoAuthor(mail: Mail, split: BodySplit): MailAddress | null {
  if (split.diffLine !== null && split.inBodyFrom !== null) return parseAuthor(split.inBodyFrom);
  return mail.from;
}

/** The subject `git mailinfo` works from: the in-body Subject when the mail carries a patch. */
export function mailinfoSubject(mail: Mail, split: BodySplit): string {
  if (split.diffLine !== null && split.inBodySubject !== null) return split.inBodySubject;
  return mail.subject;
}
