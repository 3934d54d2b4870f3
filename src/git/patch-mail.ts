/**
 * Writes a patch mail the way `git format-patch` does (mbox "From " line, From, Date,
 * Subject, a commit message, "---", the diffstat and the diff), for changes that are not a
 * commit yet: the staged diff.
 */

export interface GitIdent {
  name: string;
  email: string;
  /** Seconds since the epoch. */
  timestamp: number;
  /** The zone as git writes it: "+0200", "-0500". */
  zone: string;
}

export interface PatchMailParts {
  author: GitIdent;
  subject: string;
  message: string;
  /** What `git diff --stat -p` printed: the diffstat, a blank line, the diff. */
  statAndDiff: string;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatPatchMail(parts: PatchMailParts): string {
  const message = parts.message.replace(/\n*$/, '\n');
  const diff = parts.statAndDiff.replace(/\n*$/, '\n');
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    `From: ${formatAddress(parts.author.name, parts.author.email)}`,
    `Date: ${formatMailDate(parts.author.timestamp, parts.author.zone)}`,
    `Subject: ${encodeHeaderWord(parts.subject)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    `${message}---`,
    diff,
  ].join('\n');
}

/** "Thu, 27 Nov 2025 14:03:09 +0100": the author's local time, as git writes Date:. */
export function formatMailDate(timestamp: number, zone: string): string {
  const match = /^([+-])(\d\d)(\d\d)$/.exec(zone);
  const offsetMinutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date((timestamp + offsetMinutes * 60) * 1000);
  const pad = (value: number): string => String(value).padStart(2, '0');
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const day = `${WEEKDAYS[local.getUTCDay()]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}`;
  return `${day} ${time} ${match ? zone : '+0000'}`;
}

/** "Name <email>", the name quoted when it holds specials and encoded when it is not ASCII. */
export function formatAddress(name: string, email: string): string {
  if (name === '') return `<${email}>`;
  if (!isPrintableAscii(name)) return `${encodeHeaderWord(name)} <${email}>`;
  if (/[()<>[\]:;@\\,."]/.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}" <${email}>`;
  return `${name} <${email}>`;
}

/** RFC 2047 encoded word for text that is not plain ASCII; ASCII text as it is. */
export function encodeHeaderWord(text: string): string {
  if (isPrintableAscii(text)) return text;
  return `=?UTF-8?B?${Buffer.from(text, 'utf8').toString('base64')}?=`;
}

function isPrintableAscii(text: string): boolean {
  return /^[\x20-\x7e]*$/.test(text);
}

/** Parses `git var GIT_AUTHOR_IDENT`: "Name <email> 1700000000 +0100". */
export function parseIdent(line: string): GitIdent | null {
  const match = /^(.*?) ?<([^>]*)> (\d+) ([+-]\d{4})$/.exec(line.trim());
  if (!match) return null;
  return { name: match[1], email: match[2], timestamp: Number(match[3]), zone: match[4] };
}
