/**
 * The data that flows through cptlint: mails become patches, patches hold file changes,
 * file changes hold the post-image text the patch shows, rules turn those into findings.
 *
 * Line numbers are 1-based everywhere. "Input line" means a line of the input file (the
 * mbox, the .patch, standard input) as the user sees it in an editor; "post-image line" is
 * the line number in the changed file after the patch is applied.
 */

export type Severity = 'error' | 'warning' | 'info';
export type FileLanguage = 'c' | 'asm' | 'other';
export type FileStatus = 'added' | 'modified' | 'deleted' | 'renamed' | 'binary';

/** Something in the input that could not be read. Errors are values: the review goes on. */
export interface InputError {
  /** The input path as given on the command line, or "-" for standard input. */
  source: string;
  /** The input line where the problem was found (0 when it concerns the whole input). */
  line: number;
  message: string;
}

/** One message cut out of an input (an mbox holds many, a .patch file one). */
export interface RawMessage {
  source: string;
  /** Input line of the message's first line (after any mbox "From " separator). */
  startLine: number;
  /**
   * The message as bytes: headers, blank line, body; mboxrd ">From " already unescaped; LF
   * line ends (CRLF normalised); one line of `raw` per input line. Bytes, not text, because
   * the charset is only known once the MIME headers are read.
   */
  raw: Buffer;
  /** The input is a unified diff without mail headers: the whole of `raw` is the body. */
  plainDiff?: boolean;
}

export interface MailAddress {
  name: string;
  address: string;
}

/** A parsed mail: MIME decoded, headers kept as git and b4 use them. */
export interface Mail {
  source: string;
  startLine: number;
  /** The author as `git mailinfo` reads From (it decodes, then takes the first address-like word, even from the display name). */
  from: MailAddress | null;
  /**
   * The mailbox of the From header as RFC 5322 parses it (the angle address, not a name that
   * looks like one): where a reply goes. Absent when the mail has no From header.
   */
  fromMailbox?: MailAddress | null;
  date: string | null;
  subject: string;
  /** Message-Id without angle brackets. */
  messageId: string | null;
  inReplyTo: string | null;
  references: string[];
  to: MailAddress[];
  cc: MailAddress[];
  /**
   * The text that carries the patch: the body of a plain mail, or the inline text part /
   * text attachment of a multipart mail that holds the diff. Decoded to UTF-8, LF line ends.
   */
  body: string;
  /**
   * Input line of the first line of `body` when body lines map one to one onto input lines
   * (no base64 or quoted-printable encoding); null otherwise, and then findings map to
   * `startLine` of the part.
   */
  bodyStartLine: number | null;
  /**
   * Text of the inline text parts that come before the part holding the diff, when the diff
   * is in a part of its own (an attached patch): usually the commit message or a note.
   */
  precedingText?: string;
}

/** What the subject's bracket tags say: "[RFC PATCH net-next v3 2/7] foo: bar". */
export interface SubjectInfo {
  /** Every word inside the leading bracket groups, in order: ["RFC", "PATCH", "net-next", "v3", "2/7"]. */
  tags: string[];
  isReply: boolean;
  isPatch: boolean;
  isRfc: boolean;
  version: number;
  number: number | null;
  total: number | null;
  /** The subject with "Re:" and bracket tags removed, as `git mailinfo` gives it. */
  title: string;
}

export interface SeriesPosition {
  version: number;
  number: number;
  total: number;
}

/** One line of a hunk as the patch shows it. */
export interface HunkLine {
  kind: 'context' | 'added' | 'removed';
  text: string;
  /** Line in the pre-image (null for added lines). */
  oldLine: number | null;
  /** Line in the post-image (null for removed lines). */
  newLine: number | null;
  /** Line of the input file that shows this line (null when the body was MIME-encoded). */
  inputLine: number | null;
  /** The line is followed by "\ No newline at end of file". */
  noNewlineAtEnd?: boolean;
}

export interface Hunk {
  /** The "@@ -a,b +c,d @@ context" line as written. */
  header: string;
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  /** The text after the second "@@": usually the enclosing function's signature. */
  sectionHeading: string;
  inputLine: number | null;
  lines: HunkLine[];
}

/**
 * The part of a file's post-image the patch shows: for a new file the whole file, for a
 * changed one the lines of its hunks (context and added) at their real line numbers.
 */
export interface PostImage {
  /** Runs of consecutive post-image lines, in order, one per hunk (adjacent hunks may touch). */
  segments: PostImageSegment[];
  /** True when the segments hold the whole file (a new file, or a hunk that starts at line 1 and ends at EOF). */
  wholeFile: boolean;
  /** Post-image lines the patch adds. */
  addedLines: Set<number>;
}

export interface PostImageSegment {
  startLine: number;
  lines: string[];
  /** For each line of `lines`, the input line that shows it (null when unknown). */
  inputLines: (number | null)[];
  /** The hunk's section heading (function context from the @@ line). */
  sectionHeading: string;
}

export interface FileChange {
  /** Path in the post-image (for a deleted file, the pre-image path), without a/ b/ prefix. */
  path: string;
  oldPath: string | null;
  status: FileStatus;
  language: FileLanguage;
  /** As `git apply --numstat` counts (0 and 0 for binary files). */
  added: number;
  removed: number;
  /** Input line of the file's first header line (diff --git, or --- when there is none). */
  inputLine: number | null;
  /** The text of the file's part of the diff, as in the input, for quoting. */
  hunks: Hunk[];
  /** null for deleted and binary files. */
  postImage: PostImage | null;
  /** The pre-image's abbreviated blob id from the diff's `index` line (null for a new file or none). */
  preImageBlob?: string | null;
}

export interface Patch {
  source: string;
  /** Position of this patch among the patches read from `source` (0-based). */
  index: number;
  mail: Mail;
  subject: string;
  title: string;
  subjectInfo: SubjectInfo;
  /** "Name <email>" as git mailinfo gives Author and Email. */
  author: string;
  series: SeriesPosition | null;
  /** The commit message (mail body up to the diff), for quoting in replies. */
  commitMessage: string;
  files: FileChange[];
  /**
   * The diff of the mail as written (from its first "diff --git" or "---" file header to the
   * end of the body), for `git apply` when the patch is applied to a tree (--tree). When
   * absent, src/git rebuilds a diff from `files` (without index lines or binary data).
   */
  diffText?: string;
}

export interface RelatedLocation {
  file: string;
  line: number;
  note: string;
}

/** One review comment. Every reporter renders the same findings. */
export interface Finding {
  rule: string;
  severity: Severity;
  file: string;
  /** Post-image line in `file`. */
  line: number;
  /** Column (1-based) of the construct the finding is about, 1 when the whole line. */
  column: number;
  /** Input line that shows `line` (null when unknown). */
  inputLine: number | null;
  /** The text of the post-image line. */
  code: string;
  /** One line, for terse formats. */
  summary: string;
  /** The reviewer's comment, mailing-list prose, not wrapped (reporters wrap at 72). */
  comment: string;
  related: RelatedLocation[];
}

/** Metadata of a rule: also its documentation (`cptlint explain`), SARIF's rules[]. */
export interface RuleMeta {
  id: string;
  severity: Severity;
  summary: string;
  /** Why is this bad: the kernel mechanism behind it. */
  why: string;
  /** An example that fires (C or asm). */
  example: string;
  /** The code to write instead. */
  useInstead: string;
  /** Confidence and what the rule cannot see from a patch alone. */
  limits: string;
  /**
   * Runs only when asked for (`--only <id>`, or the id set to true or a severity in the
   * configuration): a note about cptlint's own coverage, not a comment on the code.
   */
  optIn?: boolean;
}

export interface PatchReview {
  patch: Patch;
  findings: Finding[];
}

export interface Review {
  patches: PatchReview[];
  errors: InputError[];
  rules: RuleMeta[];
}
