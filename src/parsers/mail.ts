/**
 * A raw message to a Mail: the headers git and b4 use, and the text that carries the patch
 * (for a multipart mail, the part that holds the diff). From, Subject and Date are read as
 * `git mailinfo` reads them; To and Cc by postal-mime's address parser; part bodies are
 * decoded by postal-mime (see mime-parts.ts).
 */
import { addressParser } from 'postal-mime';
import type { Address } from 'postal-mime';
import type { InputError, Mail, MailAddress, RawMessage } from '../model/types.js';
import { cleanupSpace, decodeEncodedWords, parseAuthor } from './mail-header.js';
import { collectLeaves, leafText, readHeaderBlock, type HeaderField, type MimeLeaf } from './mime-parts.js';
import { containsDiff } from './patch-break.js';
import { decodeUtf8OrLatin1 } from './text-decoding.js';

type MailHeaders = Omit<Mail, 'source' | 'startLine' | 'body' | 'bodyStartLine' | 'precedingText'>;

/** mailinfo keeps the last From, Subject and Date (check_header with overwrite). */
function lastField(fields: HeaderField[], name: string): string | null {
  for (let at = fields.length - 1; at >= 0; at--) if (fields[at].name === name) return fields[at].value;
  return null;
}

function firstField(fields: HeaderField[], name: string): string | null {
  return fields.find((field) => field.name === name)?.value ?? null;
}

/** Message ids without angle brackets; a bare id when there are no brackets. */
function messageIds(value: string): string[] {
  const bracketed = [...value.matchAll(/<([^<>]*)>/g)].map((match) => match[1].trim()).filter((id) => id.length > 0);
  if (bracketed.length > 0) return bracketed;
  const bare = value.trim();
  return bare ? bare.split(/\s+/) : [];
}

function flattenAddresses(addresses: Address[]): MailAddress[] {
  const flat: MailAddress[] = [];
  for (const address of addresses) {
    if (address.group) flat.push(...flattenAddresses(address.group));
    else if (address.address || address.name) flat.push({ name: address.name, address: address.address });
  }
  return flat;
}

/**
 * The most of an address header given to the address parser, whose cost grows faster than
 * the text on hostile input (a 4 MB To of repeated "Re: " took 19 s). Real To and Cc lists
 * of the lists are a few kilobytes; a longer one is cut at its last comma before the limit.
 */
export const MAX_ADDRESS_HEADER = 64 * 1024;

function capAddressHeader(value: string): string {
  if (value.length <= MAX_ADDRESS_HEADER) return value;
  const cut = value.lastIndexOf(',', MAX_ADDRESS_HEADER);
  return value.slice(0, cut > 0 ? cut : MAX_ADDRESS_HEADER);
}

function addressList(fields: HeaderField[], name: string): MailAddress[] {
  return fields.filter((field) => field.name === name).flatMap((field) => flattenAddresses(addressParser(capAddressHeader(field.value))));
}

/** The first mailbox of a header value as RFC 5322 reads it (names decoded by postal-mime); null when it has none. */
function rfcMailbox(value: string): MailAddress | null {
  const [first] = flattenAddresses(addressParser(capAddressHeader(value)));
  return first && first.address ? first : null;
}

function readHeaders(fields: HeaderField[]): MailHeaders {
  const from = lastField(fields, 'from');
  const author = from === null ? null : parseAuthor(decodeEncodedWords(from));
  const subject = lastField(fields, 'subject');
  const date = lastField(fields, 'date');
  const messageId = firstField(fields, 'message-id');
  const inReplyTo = firstField(fields, 'in-reply-to');
  return {
    from: author && (author.name || author.address) ? author : null,
    ...(from === null ? {} : { fromMailbox: rfcMailbox(from) }),
    date: date === null ? null : cleanupSpace(decodeEncodedWords(date)).trim(),
    subject: subject === null ? '' : decodeEncodedWords(subject),
    messageId: messageId === null ? null : (messageIds(messageId)[0] ?? null),
    inReplyTo: inReplyTo === null ? null : (messageIds(inReplyTo)[0] ?? null),
    references: fields.filter((field) => field.name === 'references').flatMap((field) => messageIds(field.value)),
    to: addressList(fields, 'to'),
    cc: addressList(fields, 'cc'),
  };
}

const SIGNATURE_TYPES = new Set(['application/pgp-signature', 'application/pkcs7-signature', 'application/x-pkcs7-signature']);
const PATCH_FILE = /\.(?:patch|diff)$/i;

/** Parts that may carry a patch or its message: text, and attachments named *.patch / *.diff. */
function mayHoldText(leaf: MimeLeaf): boolean {
  const type = leaf.contentType.value;
  if (SIGNATURE_TYPES.has(type) || type === 'text/html' || type.startsWith('message/')) return false;
  if (type.startsWith('text/')) return true;
  return leaf.filename !== null && PATCH_FILE.test(leaf.filename);
}

interface Body {
  body: string;
  bodyStartLine: number | null;
  precedingText?: string;
}

async function leafBody(raw: Buffer, leaf: MimeLeaf, startLine: number): Promise<Body> {
  const { text, mapsLineForLine } = await leafText(raw, leaf);
  return { body: text, bodyStartLine: mapsLineForLine ? startLine + leaf.bodyLine : null };
}

/**
 * The part that holds the diff: the first text part (inline or attached) with a diff in it,
 * else the first text part. Inline text/plain parts before it are kept as precedingText.
 */
async function chooseBody(raw: Buffer, leaves: MimeLeaf[], startLine: number): Promise<Body> {
  const candidates = leaves.filter(mayHoldText);
  const texts: Body[] = [];
  for (const leaf of candidates) {
    const body = await leafBody(raw, leaf, startLine);
    if (containsDiff(body.body)) {
      const preceding = texts.filter((_, at) => candidates[at].contentType.value === 'text/plain').map((text) => text.body);
      return preceding.length > 0 ? { ...body, precedingText: preceding.join('\n') } : body;
    }
    texts.push(body);
  }
  return texts[0] ?? { body: '', bodyStartLine: null };
}

function plainDiffMail(message: RawMessage): Mail {
  return {
    source: message.source,
    startLine: message.startLine,
    from: null,
    date: null,
    subject: '',
    messageId: null,
    inReplyTo: null,
    references: [],
    to: [],
    cc: [],
    body: decodeUtf8OrLatin1(message.raw),
    bodyStartLine: message.startLine,
  };
}

/** Parses one message. A part that cannot be decoded gives an InputError. */
export async function parseMail(message: RawMessage): Promise<Mail | InputError> {
  if (message.plainDiff) return plainDiffMail(message);
  const raw = message.raw;
  const header = readHeaderBlock(raw, 0, raw.length, 0);
  const headers = readHeaders(header.fields);
  try {
    const leaves = collectLeaves(raw, header.fields, header.bodyOffset, raw.length, header.bodyLine);
    const body = leaves.length === 1 ? await leafBody(raw, leaves[0], message.startLine) : await chooseBody(raw, leaves, message.startLine);
    return { source: message.source, startLine: message.startLine, ...headers, ...body };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { source: message.source, line: message.startLine, message: `cannot decode the mail's MIME parts: ${reason}` };
  }
}
