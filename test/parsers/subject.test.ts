import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { parseSubject, subjectTitle } from '../../src/parsers/subject.js';

describe('parseSubject', () => {
  test.each([
    ['[PATCH] net: fix a leak', { tags: ['PATCH'], isPatch: true, isRfc: false, isReply: false, version: 1, number: null, total: null, title: 'net: fix a leak' }],
    ['[PATCH v3 2/7] mm: use folios', { tags: ['PATCH', 'v3', '2/7'], isPatch: true, version: 3, number: 2, total: 7, title: 'mm: use folios' }],
    ['[RFC PATCH net-next 0/4] net: a series', { tags: ['RFC', 'PATCH', 'net-next', '0/4'], isRfc: true, isPatch: true, number: 0, total: 4, title: 'net: a series' }],
    ['[PATCH RESEND] gpio: mxc: check the irq', { tags: ['PATCH', 'RESEND'], version: 1, number: null, title: 'gpio: mxc: check the irq' }],
    ['[PATCHv2 01/10] arm64: dts: add a node', { tags: ['PATCHv2', '01/10'], isPatch: true, version: 2, number: 1, total: 10 }],
    ['Re: [PATCH v2 2/3] net: ethoc: free', { isReply: true, isPatch: true, number: 2, total: 3, title: 'net: ethoc: free' }],
    ['RE: Re: [PATCH] x86: fix', { isReply: true, title: 'x86: fix' }],
    ['Aw: [PATCH] x86: fix', { isReply: true, isPatch: true, tags: ['PATCH'], title: 'Aw: [PATCH] x86: fix' }],
    ['[net-next] [PATCH 3/5] tcp: tidy', { tags: ['net-next', 'PATCH', '3/5'], number: 3, total: 5, title: 'tcp: tidy' }],
    ['ethoc on OpenRISC', { tags: [], isPatch: false, isReply: false, title: 'ethoc on OpenRISC' }],
  ])('%s', (subject, expected) => {
    expect(parseSubject(subject)).toMatchObject(expected);
  });
});

/** Subjects whose title git's cleanup_subject treats in a way worth pinning down. */
const trickySubjects = [
  '[PATCH] net: fix a leak',
  'Re: [PATCH v2 2/3] net: ethoc: free the rx buffer',
  're:re: RE:[PATCH]    spaces\tand\ttabs   ',
  'Re:',
  'Re: x',
  ':: [PATCH] colons first',
  '[PATCH] [net] two groups',
  '[PATCH unterminated bracket',
  'Aw: [PATCH] German reply',
  '[PATCH] title with [brackets] inside',
  '  [RFC]  Re: [PATCH 1/2]   nested re  ',
  'Subject with  double  spaces',
  '[PATCH] x\ty',
  '[]',
  'Rex: not a reply prefix',
  '[PATCH 8/9] Introduce functions to restart a process',
];

describe('subjectTitle gives what git mailinfo gives as Subject', () => {
  const gitEnv = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: os.devNull };
  function gitTitle(subject: string): string {
    const mail = `From: A U Thor <author@example.org>\nSubject: ${subject}\n\nbody\n`;
    const info = execFileSync('git', ['mailinfo', os.devNull, os.devNull], { input: mail, env: gitEnv }).toString('utf8');
    return info.split('\n').find((line) => line.startsWith('Subject: '))?.slice('Subject: '.length) ?? '';
  }

  test.each(trickySubjects)('%j', (subject) => {
    expect(subjectTitle(subject)).toBe(gitTitle(subject));
  });
});
