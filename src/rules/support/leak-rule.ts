/**
 * The loop every leak rule runs: over the patch's judged leaks (analysis/ownership), keep the
 * ones the rule is about, place each where the patch adds a line, and word it. Each rule file
 * keeps its metadata, its selection of resources and its sentences.
 */
import { analysePatch, type LeakInSource } from '../../analysis/ownership/patch-analysis.js';
import { relatedOf, storyOf, type LeakStory } from '../../analysis/ownership/leak-findings.js';
import type { FindingDraft, RuleContext } from '../rule.js';

/** What a rule says about one leak. */
export interface LeakWording {
  summary: string;
  comment: string;
  /** The note on the other paths' releases ("freed here on another path"). */
  releaseNote: string;
}

export interface LeakRule {
  id: string;
  /** The leaks this rule reports. */
  selects(found: LeakInSource): boolean;
  /** Its sentences for one leak, told as a story (place, names, exit). */
  word(found: LeakInSource, story: LeakStory): LeakWording;
  /**
   * One finding per place and object: the same count taken on two branches
   * (`if (poll) pm_runtime_get_noresume(dev); else pm_runtime_get_sync(dev);`) leaks once.
   */
  oncePerPlace?: boolean;
}

export function leakFindings(context: RuleContext, rule: LeakRule): FindingDraft[] {
  const findings: FindingDraft[] = [];
  const reported = new Set<string>();
  for (const found of analysePatch(context.current, context.series).leaks) {
    if (!rule.selects(found)) continue;
    const story = storyOf(found);
    if (story === null) continue;
    const { leak, source } = found;
    if (rule.oncePerPlace) {
      const key = `${source.file.path}:${story.place.line}:${story.name}:${leak.site.noun}`;
      if (reported.has(key)) continue;
      reported.add(key);
    }
    const wording = rule.word(found, story);
    findings.push({
      rule: rule.id,
      file: source.file.path,
      line: story.place.line,
      column: story.place.column,
      summary: wording.summary,
      comment: wording.comment,
      related: relatedOf(found, story.place, wording.releaseNote),
    });
  }
  return findings;
}
