/**
 * The mail parsers against git itself: every message of the kernel patch corpus is split by
 * `git mailsplit` and read by `git mailinfo`, and our reading must give the same message
 * count and, message for message, the same author name, email, title, commit message and diff.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Mail, RawMessage } from '../../src/model/types.js';
import { mailinfoAuthor, mailinfoSubject, splitBody } from '../../src/parsers/body-split.js';
import { parseMail } from '../../src/parsers/mail.js';
import { readMessages } from '../../src/parsers/mbox.js';
import { parseSubject, subjectTitle } from '../../src/parsers/subject.js';
import { decodeUtf8OrLatin1 } from '../../src/parsers/text-decoding.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sharedDir = path.resolve(repoRoot, '../shared');
const corpusMbox = path.join(sharedDir, 'corpus/all.mbox');
const seedMbox = path.join(sharedDir, 'seed/0008-introduce-functions-to-restart-a-process.mbox');

/** git without the user's or the system's configuration (mailinfo.scissors would change the split). */
const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull, LC_ALL: 'C' };

interface MailInfo {
  author: string;
  email: string;
  title: string;
  commitMessage: string;
  /** The diff as mailinfo writes it to its patch file, trailing blank lines aside. */
  diffText: string;
}

function git(args: string[], input?: Buffer): Buffer {
  return execFileSync('git', args, { env: gitEnv, input, maxBuffer: 64 << 20 });
}

function gitMailinfo(mailFile: string, workDir: string): MailInfo {
  const messageFile = path.join(workDir, 'msg');
  const patchFile = path.join(workDir, 'patch');
  const info = decodeUtf8OrLatin1(git(['-c', 'i18n.commitEncoding=UTF-8', 'mailinfo', '-u', messageFile, patchFile], fs.readFileSync(mailFile)));
  const field = (name: string): string => info.split('\n').find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
  return {
    author: field('Author'),
    email: field('Email'),
    title: field('Subject'),
    commitMessage: decodeUtf8OrLatin1(fs.readFileSync(messageFile)).trimEnd(),
    diffText: decodeUtf8OrLatin1(fs.readFileSync(patchFile)).trimEnd(),
  };
}

/** Every message of an mbox as `git mailsplit --mboxrd` cuts it, read by `git mailinfo`. */
function gitMailinfoOfMbox(mbox: string): MailInfo[] {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cptlint-mailinfo-'));
  try {
    const splitDir = path.join(workDir, 'split');
    fs.mkdirSync(splitDir);
    const count = Number(git(['mailsplit', '--mboxrd', `-o${splitDir}`, mbox]).toString().trim());
    const pieces = fs.readdirSync(splitDir).sort();
    expect(pieces).toHaveLength(count);
    return pieces.map((piece) => gitMailinfo(path.join(splitDir, piece), workDir));
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

function ourMailinfo(mail: Mail): MailInfo {
  const split = splitBody(mail.body);
  const author = mailinfoAuthor(mail, split);
  return {
    author: author?.name ?? '',
    email: author?.address ?? '',
    title: subjectTitle(mailinfoSubject(mail, split)),
    commitMessage: split.commitMessage.trimEnd(),
    diffText: split.diffText.trimEnd(),
  };
}

async function readMails(mbox: string): Promise<Mail[]> {
  const mails: Mail[] = [];
  for await (const message of readMessages({ source: mbox })) {
    if ('message' in message) throw new Error(`${message.source}:${message.line}: ${message.message}`);
    const mail = await parseMail(message as RawMessage);
    if ('message' in mail) throw new Error(`${mail.source}:${mail.line}: ${mail.message}`);
    mails.push(mail);
  }
  return mails;
}

const haveCorpus = fs.existsSync(corpusMbox) && fs.existsSync(seedMbox);
// Skipping must be loud: a silent skip would pass CI without the comparison ever running.
if (!haveCorpus) console.warn(`corpus-mailinfo: skipped, ${corpusMbox} or ${seedMbox} is missing`);
const describeWithCorpus = haveCorpus ? describe : describe.skip;

describeWithCorpus('mail parsing matches git mailsplit + git mailinfo', () => {
  test('the kernel corpus: same message count, authors, emails, titles, commit messages and diffs', async () => {
    const expected = gitMailinfoOfMbox(corpusMbox);
    const mails = await readMails(corpusMbox);
    expect(mails).toHaveLength(expected.length);
    expect(mails).toHaveLength(480);
    expect(mails.map(ourMailinfo)).toEqual(expected);
  });

  test('the seed patch: [PATCH 8/9] of its series, as git reads it', async () => {
    const [expected] = gitMailinfoOfMbox(seedMbox);
    const mails = await readMails(seedMbox);
    expect(mails).toHaveLength(1);
    expect(ourMailinfo(mails[0])).toEqual(expected);
    expect(mails[0].subject).toBe('[PATCH 8/9] Introduce functions to restart a process');
    const info = parseSubject(mails[0].subject);
    expect([info.number, info.total, info.version, info.isPatch]).toEqual([8, 9, 1, true]);
    expect(info.title).toBe('Introduce functions to restart a process');
  });
});
