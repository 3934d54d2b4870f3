/**
 * The header block of a reply draft, as b4 and mail clients thread it: Re: subject,
 * In-Reply-To the patch, References its thread then the patch, To its author, Cc everyone
 * the patch went to. nodemailer's MimeNode does the RFC 2047 encoding of names and
 * subjects and folds long headers (References) at 76 columns.
 */
import { createHash } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import MimeNode from 'nodemailer/lib/mime-node/index.js';
import type { MailAddress, Patch } from '../model/types.js';
import { fitsHeaderLine, foldableHeaderText, headerName } from './header-safety.js';

export interface ReplyHeaderOptions {
  /** The replier, "Name <address>". */
  from: string;
  date: Date;
  /** Domain of the generated Message-Id; defaults to the From address's domain. */
  messageIdDomain?: string;
  /** A ready Message-Id (without angle brackets), for reproducible drafts. */
  messageId?: string;
}

/** Parses "Name <address>" (or a bare address) into its parts; the name may be empty. */
export function parseAddress(text: string): MailAddress {
  const [first] = addressparser(text, { flatten: true });
  if (first && first.address) return { name: first.name ?? '', address: first.address };
  return { name: text.trim(), address: '' };
}

/**
 * Whom a reply goes to: the From mailbox as RFC 5322 parses it. Not git mailinfo's reading,
 * which decodes the header first and takes the first word with an '@', so that a From of
 * `"victim@example.org" <author@example.org>` (or the same name RFC 2047 encoded) addressed
 * the draft to a mailbox hidden in the display name. A From without any mailbox gives its
 * text as a name without an address; a mail without From, the author git mailinfo gave.
 */
export function authorOf(patch: Patch): MailAddress {
  if (patch.mail.fromMailbox !== undefined) return patch.mail.fromMailbox ?? { name: patch.mail.from?.name ?? '', address: '' };
  return patch.mail.from ?? parseAddress(patch.author);
}

/** An address in a form addressparser reads back unchanged (names quoted when needed, without controls). */
function addressText(address: MailAddress): string {
  const name = headerName(address.name);
  if (name === '') return address.address;
  if (address.address === '') return name;
  return `"${name.replace(/(["\\])/g, '\\$1')}" <${address.address}>`;
}

function sameAddress(a: MailAddress, b: MailAddress): boolean {
  return a.address !== '' && a.address.toLowerCase() === b.address.toLowerCase();
}

/** Original To and Cc, deduplicated, without the author (already in To) and the replier. */
export function replyCc(patch: Patch, author: MailAddress, replier: MailAddress): MailAddress[] {
  const cc: MailAddress[] = [];
  for (const address of [...patch.mail.to, ...patch.mail.cc]) {
    if (address.address === '' || !fitsHeaderLine(address.address)) continue;
    if (sameAddress(address, author) || sameAddress(address, replier)) continue;
    if (cc.some((kept) => sameAddress(kept, address))) continue;
    cc.push(address);
  }
  return cc;
}

/** "Re: " once in front of the original subject, bracket tags kept. */
export function replySubject(subject: string): string {
  const unfolded = subject.replace(/\s+/g, ' ').trim();
  return /^re:/i.test(unfolded) ? unfolded : `Re: ${unfolded}`;
}

function bareMessageId(messageId: string): string {
  return messageId.trim().replace(/^<|>$/g, '');
}

/** References of the reply: the patch's References, then its own Message-Id, each once. */
export function replyReferences(patch: Patch): string[] {
  const references: string[] = [];
  const messageId = patch.mail.messageId === null ? null : bareMessageId(patch.mail.messageId);
  for (const reference of [...patch.mail.references.map(bareMessageId), ...(messageId ? [messageId] : [])]) {
    // An id too long for a header line cannot be folded: mail software would refuse the draft.
    if (reference !== '' && fitsHeaderLine(reference) && !references.includes(reference)) references.push(reference);
  }
  return references;
}

/** RFC 5322 date in UTC: "Wed, 03 Sep 2008 14:32:48 +0000". */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

function compactTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').replace(/\..*$/, '');
}

/**
 * A new Message-Id, derived from what the draft answers and when, so that the same draft
 * built twice with the same date is byte-identical.
 */
export function newMessageId(patch: Patch, from: MailAddress, date: Date, domain?: string): string {
  const seed = `${patch.mail.messageId ?? patch.subject}\0${from.address}\0${date.toISOString()}`;
  const digest = createHash('sha256').update(seed).digest('hex').slice(0, 16);
  const host = domain ?? (from.address.includes('@') ? from.address.slice(from.address.lastIndexOf('@') + 1) : 'localhost');
  return `${compactTimestamp(date)}.${digest}.cptlint@${host}`;
}

/** The header block, LF line ends, without the blank line that ends it. */
export function buildReplyHeaders(patch: Patch, options: ReplyHeaderOptions): string {
  const replier = parseAddress(options.from);
  const author = authorOf(patch);
  const node = new MimeNode('text/plain; charset=UTF-8');
  node.setHeader('From', addressText(replier));
  node.setHeader('To', addressText(author));
  const cc = replyCc(patch, author, replier);
  if (cc.length > 0) node.setHeader('Cc', cc.map(addressText));
  node.setHeader('Subject', foldableHeaderText(replySubject(patch.mail.subject || patch.subject)));
  node.setHeader('Date', rfc5322Date(options.date));
  node.setHeader('Message-Id', `<${options.messageId ?? newMessageId(patch, replier, options.date, options.messageIdDomain)}>`);
  if (patch.mail.messageId && fitsHeaderLine(bareMessageId(patch.mail.messageId))) node.setHeader('In-Reply-To', `<${bareMessageId(patch.mail.messageId)}>`);
  const references = replyReferences(patch);
  if (references.length > 0) node.setHeader('References', references.map((reference) => `<${reference}>`).join(' '));
  node.setHeader('Content-Transfer-Encoding', '8bit');
  return node.buildHeaders().replace(/\r\n/g, '\n');
}
