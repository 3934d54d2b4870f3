/**
 * Drafts as one mbox (mboxrd): a "From " separator line before each message, and any body
 * line that starts with ">*From " gets one more ">" so that readers can undo it exactly.
 */
import type { ReplyDraft } from './reply.js';

const ASCTIME_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const ASCTIME_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** asctime() in UTC, as mbox separator lines carry it: "Wed Sep  3 14:32:48 2008". */
export function asctime(date: Date): string {
  const day = String(date.getUTCDate()).padStart(2, ' ');
  const time = date.toISOString().slice(11, 19);
  return `${ASCTIME_DAYS[date.getUTCDay()]} ${ASCTIME_MONTHS[date.getUTCMonth()]} ${day} ${time} ${date.getUTCFullYear()}`;
}

export function escapeFromLines(text: string): string {
  return text.replace(/^(>*From )/gm, '>$1');
}

export function draftsToMbox(drafts: readonly ReplyDraft[]): string {
  return drafts
    .map((draft) => {
      const message = escapeFromLines(draft.text.replace(/\r\n/g, '\n'));
      return `From cptlint ${asctime(draft.date)}\n${message.endsWith('\n') ? message : `${message}\n`}\n`;
    })
    .join('');
}
