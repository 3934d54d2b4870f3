/**
 * Groups the patches of one input into series, as they arrive: "[PATCH v2 3/9]" after
 * "[PATCH v2 2/9]" of the same thread belongs with it. A group is handed back as soon as it
 * is complete (its last n/n arrived) or something else arrives, so memory stays bounded by
 * one series.
 */
import type { Mail, Patch } from '../model/types.js';

export class SeriesGrouper {
  private pending: Patch[] = [];
  private cover: Mail | null = null;

  /** A cover letter (0/n): the start of a new series. Returns the group it closes. */
  coverLetter(mail: Mail): Patch[] {
    const closed = this.flush();
    this.cover = mail;
    return closed;
  }

  /** Adds a patch; returns the patches of any group that is now complete, in order. */
  add(patch: Patch): Patch[] {
    const closed = this.belongsToPending(patch) ? [] : this.flush();
    this.pending.push(patch);
    if (!patch.series || patch.series.number >= patch.series.total) return [...closed, ...this.flush()];
    return closed;
  }

  /** Hands back whatever is pending. */
  flush(): Patch[] {
    const group = this.pending;
    this.pending = [];
    this.cover = null;
    return group;
  }

  private belongsToPending(patch: Patch): boolean {
    const series = patch.series;
    if (!series) return false;
    const last = this.pending.at(-1);
    if (!last) return this.cover === null || sameThread(patch.mail, this.cover);
    const previous = last.series;
    if (!previous) return false;
    return (
      previous.total === series.total &&
      previous.version === series.version &&
      series.number > previous.number &&
      sameThread(patch.mail, last.mail)
    );
  }
}

/**
 * Two mails of one series share a thread root (git send-email threads every patch under the
 * cover letter or the first patch); mails without threading headers are taken as one thread.
 */
function sameThread(a: Mail, b: Mail): boolean {
  const rootsA = threadIds(a);
  const rootsB = threadIds(b);
  if (rootsA.length === 0 || rootsB.length === 0) return true;
  return rootsA.some((id) => rootsB.includes(id));
}

function threadIds(mail: Mail): string[] {
  const ids = [...mail.references];
  if (mail.inReplyTo) ids.push(mail.inReplyTo);
  if (mail.messageId) ids.push(mail.messageId);
  return ids;
}
