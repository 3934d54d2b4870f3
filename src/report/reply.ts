/**
 * Reply drafts: one RFC 5322 mail per reviewed patch, plain text UTF-8 sent 8bit, for the
 * reviewer to edit and send (git send-email, mutt -H, or an mbox for the mail client).
 */
import type { Patch, PatchReview } from '../model/types.js';
import { buildReplyBody } from './reply-body.js';
import { buildReplyHeaders, parseAddress } from './reply-headers.js';

export interface ReplyDraftOptions {
  /** The replier, "Name <address>". */
  from: string;
  /** The sign-off at the end; defaults to the From name. */
  signature?: string;
  /** Date header (and the seed of the Message-Id); defaults to now. */
  date?: Date;
  /** Domain of the new Message-Id; defaults to the From address's domain. */
  messageIdDomain?: string;
  /** A ready Message-Id, without angle brackets (reproducible drafts). */
  messageId?: string;
}

export interface ReplyDraftsOptions extends Omit<ReplyDraftOptions, 'messageId'> {
  /** Also draft a short reply to patches without findings. */
  all?: boolean;
}

export interface ReplyDraft {
  /** The patch it answers. */
  patch: Patch;
  /** A file name for the draft alone (.eml), unique among the drafts built together. */
  fileName: string;
  date: Date;
  /** The whole mail: headers, blank line, body; LF line ends. */
  text: string;
}

export function buildReplyDraft(review: PatchReview, options: ReplyDraftOptions): string {
  const date = options.date ?? new Date();
  const replier = parseAddress(options.from);
  const signature = options.signature ?? (replier.name || replier.address);
  const headers = buildReplyHeaders(review.patch, {
    from: options.from,
    date,
    messageIdDomain: options.messageIdDomain,
    messageId: options.messageId,
  });
  return `${headers}\n\n${buildReplyBody(review, { signature })}`;
}

/** git format-patch's file name rule: runs of other characters become one "-". */
function slug(title: string): string {
  const words = title.replace(/[^A-Za-z0-9._]+/g, '-').replace(/\.+/g, '.').replace(/^[-.]+|[-.]+$/g, '');
  return words.slice(0, 52).replace(/[-.]+$/, '') || 'patch';
}

/** "v2-0003-mm-fix-the-leak.eml", numbered like git format-patch names the patch. */
export function draftFileName(patch: Patch): string {
  const number = patch.series?.number ?? patch.index + 1;
  const version = patch.series && patch.series.version > 1 ? `v${patch.series.version}-` : '';
  return `${version}${String(number).padStart(4, '0')}-${slug(patch.title || patch.subject)}.eml`;
}

function uniqueName(name: string, taken: Set<string>): string {
  let candidate = name;
  for (let suffix = 2; taken.has(candidate); suffix += 1) candidate = name.replace(/\.eml$/, `-${suffix}.eml`);
  taken.add(candidate);
  return candidate;
}

/**
 * Drafts for several reviews: patches with findings, and with `all` the clean ones too.
 * Each draft is one second after the previous one, so they sort in patch order.
 */
export function buildReplyDrafts(reviews: readonly PatchReview[], options: ReplyDraftsOptions): ReplyDraft[] {
  const start = options.date ?? new Date();
  const taken = new Set<string>();
  const drafts: ReplyDraft[] = [];
  for (const review of reviews) {
    if (review.findings.length === 0 && !options.all) continue;
    const date = new Date(start.getTime() + drafts.length * 1000);
    const text = buildReplyDraft(review, { ...options, date });
    drafts.push({ patch: review.patch, fileName: uniqueName(draftFileName(review.patch), taken), date, text });
  }
  return drafts;
}
