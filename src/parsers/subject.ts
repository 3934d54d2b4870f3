/**
 * What a patch subject says: "[RFC PATCH net-next v3 2/7] net: foo: fix bar" is the second
 * of seven patches of version 3 of an RFC series for net-next, titled "net: foo: fix bar".
 * The title is exactly what `git mailinfo` gives as Subject (cleanup_subject in mailinfo.c),
 * so that it matches the commit subject `git am` records.
 */
import type { SubjectInfo } from '../model/types.js';
import { cleanupSpace, gitTrim } from './mail-header.js';
import { pushAll } from '../model/push-all.js';

/**
 * git's cleanup_subject then cleanup_space: strips every leading "Re:" (any case), space,
 * tab, ':' and "[...]" group, trims, and turns whitespace runs into single spaces.
 */
export function subjectTitle(subject: string): string {
  let rest = subject;
  for (;;) {
    const first = rest[0];
    if ((first === 'r' || first === 'R') && rest.length > 3 && (rest[1] === 'e' || rest[1] === 'E') && rest[2] === ':') {
      rest = rest.slice(3);
    } else if (first === ' ' || first === '\t' || first === ':') {
      rest = rest.slice(1);
    } else if (first === '[') {
      const close = rest.indexOf(']');
      if (close < 0) break;
      rest = rest.slice(close + 1);
    } else {
      break;
    }
  }
  return cleanupSpace(gitTrim(rest));
}

/** Prefixes mailers put before the subject of a reply: English, German, Scandinavian, Dutch. */
const REPLY_PREFIX = /^(?:re|aw|sv|antw)(?:\[\d+\])?\s*:/i;
const FORWARD_PREFIX = /^fwd?\s*:/i;
const LEADING_NOISE = /^[\s:]+/;

/** The words of the leading bracket groups, and whether a reply prefix stands among them. */
function leadingTags(subject: string): { tags: string[]; isReply: boolean } {
  const tags: string[] = [];
  let isReply = false;
  let rest = subject;
  for (;;) {
    rest = rest.replace(LEADING_NOISE, '');
    const reply = REPLY_PREFIX.exec(rest);
    if (reply) {
      isReply = true;
      rest = rest.slice(reply[0].length);
      continue;
    }
    const forward = FORWARD_PREFIX.exec(rest);
    if (forward) {
      rest = rest.slice(forward[0].length);
      continue;
    }
    if (rest[0] !== '[') break;
    const close = rest.indexOf(']');
    if (close < 0) break;
    pushAll(tags, rest.slice(1, close).split(/[\s,]+/).filter((word) => word.length > 0));
    rest = rest.slice(close + 1);
  }
  return { tags, isReply };
}

const PATCH_TAG = /^PATCH(?:v\d+)?$/i;
const RFC_TAG = /^RFC(?:v\d+)?$/i;
/** "v3", and the glued forms "PATCHv3", "RFCv2". */
const VERSION_TAG = /^(?:PATCH|RFC)?v(\d+)$/i;
const POSITION_TAG = /^(\d+)\/(\d+)$/;

export function parseSubject(subject: string): SubjectInfo {
  const { tags, isReply } = leadingTags(subject);
  let version = 1;
  let number: number | null = null;
  let total: number | null = null;
  for (const tag of tags) {
    const versionMatch = VERSION_TAG.exec(tag);
    if (versionMatch) version = Number(versionMatch[1]);
    const position = POSITION_TAG.exec(tag);
    if (position && number === null) {
      number = Number(position[1]);
      total = Number(position[2]);
    }
  }
  return {
    tags,
    isReply,
    isPatch: tags.some((tag) => PATCH_TAG.test(tag)),
    isRfc: tags.some((tag) => RFC_TAG.test(tag)),
    version,
    number,
    total,
    title: subjectTitle(subject),
  };
}
