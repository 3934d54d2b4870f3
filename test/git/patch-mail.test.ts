/**
 * The pieces of the staged-change mail: dates as git writes them, addresses, identities.
 */
import { encodeHeaderWord, formatAddress, formatMailDate, formatPatchMail, parseIdent } from '../../src/git/patch-mail.js';

describe('patch mail formatting', () => {
  it("writes the date in the author's zone, as git format-patch does", () => {
    expect(formatMailDate(1709287200, '+0100')).toBe('Fri, 1 Mar 2024 11:00:00 +0100');
    expect(formatMailDate(1709287200, '-0530')).toBe('Fri, 1 Mar 2024 04:30:00 -0530');
    expect(formatMailDate(0, '+0000')).toBe('Thu, 1 Jan 1970 00:00:00 +0000');
  });

  it('quotes names with specials and encodes names that are not ASCII', () => {
    expect(formatAddress('Ada Tester', 'ada@example.org')).toBe('Ada Tester <ada@example.org>');
    expect(formatAddress('Tester, Ada', 'ada@example.org')).toBe('"Tester, Ada" <ada@example.org>');
    expect(formatAddress('A. "Ace" Tester', 'a@example.org')).toBe('"A. \\"Ace\\" Tester" <a@example.org>');
    expect(formatAddress('', 'a@example.org')).toBe('<a@example.org>');
    expect(encodeHeaderWord('Jörg')).toBe(`=?UTF-8?B?${Buffer.from('Jörg').toString('base64')}?=`);
  });

  it('reads git var GIT_AUTHOR_IDENT', () => {
    expect(parseIdent('Ada Tester <ada@example.org> 1709287200 +0100\n')).toEqual({
      name: 'Ada Tester',
      email: 'ada@example.org',
      timestamp: 1709287200,
      zone: '+0100',
    });
    expect(parseIdent('not an ident')).toBeNull();
  });

  it('puts the message, the --- line and the diff where git mailinfo looks for them', () => {
    const mail = formatPatchMail({
      author: { name: 'Ada Tester', email: 'ada@example.org', timestamp: 1709287200, zone: '+0100' },
      subject: '[PATCH] staged changes',
      message: 'Body.\n\n',
      statAndDiff: ' a.c | 1 +\n\ndiff --git a/a.c b/a.c\n',
    });
    expect(mail.split('\n\n')[0].split('\n').slice(1)).toEqual([
      'From: Ada Tester <ada@example.org>',
      'Date: Fri, 1 Mar 2024 11:00:00 +0100',
      'Subject: [PATCH] staged changes',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
    expect(mail).toContain('\n\nBody.\n---\n a.c | 1 +\n\ndiff --git a/a.c b/a.c\n');
  });
});
