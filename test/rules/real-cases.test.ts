/**
 * Real bugs from public postings (test/fixtures/real-cases: each case is a function as posted
 * before its fix, "flag", or after it, "quiet", with the fix commit and where it was found in
 * meta.json). Recall and false alarms are floors and ceilings: a change that loses a catch or
 * adds a false alarm fails here, and the list of what stays out of reach is written down.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { review } from '../../src/review/pipeline.js';

const fixtures = resolve(dirname(fileURLToPath(import.meta.url)), '../fixtures/real-cases');

interface Meta {
  kind: string;
  expect: 'flag' | 'quiet';
  rule: string;
  bugLine?: number;
  url: string;
  fixCommit: string;
}

/** Bugs cptlint does not catch today, and why (the issue 12 closing note has the details). */
const OUT_OF_REACH: Record<string, string> = {
  '15-qcom-cpufreq-krait-name-version-bug': 'nvmem_cell_read() returns kmalloc()ed memory: not in the tables',
  '21-machxo2-write-complete-bug': 'the failure is a retry counter running out',
  '35-regulator-dev-lookup-bug': 'the node comes from of_get_regulator(), a static wrapper of of_parse_phandle() that is not followed',
  '39-hfi1-parse-platform-config-bug': 'the failure is a CRC check',
  '41-aspeed-video-setup-video-bug': 'the failure is a field test',
};

/** Bugs reported on another line of the same mistake than the one the fix names. */
const CAUGHT_AT: Record<string, number> = {
  // Two buggy returns with the lock held: the finding names the second (the first path is not followed).
  '27-hid-nintendo-joycon-leds-create-bug': 42,
};

/** Correct code still flagged, and why. */
const KNOWN_FALSE_ALARMS: Record<string, string> = {};

function readCases(): { name: string; meta: Meta; path: string }[] {
  return readdirSync(fixtures)
    .sort()
    .map((name) => ({ name, meta: JSON.parse(readFileSync(join(fixtures, name, 'meta.json'), 'utf8')) as Meta, path: join(fixtures, name, 'case.patch') }));
}

describe('real review cases from public postings', () => {
  const all = readCases();

  it('holds at least 40 cases, half of them bugs, each with its source', () => {
    expect(all.length).toBeGreaterThanOrEqual(40);
    expect(all.filter((entry) => entry.meta.expect === 'flag').length * 2).toBe(all.length);
    for (const entry of all) expect(entry.meta.url.length + entry.meta.fixCommit.length).toBeGreaterThan(20);
  });

  for (const entry of all) {
    it(`${entry.name} (${entry.meta.kind}, ${entry.meta.expect})`, async () => {
      const result = await review([{ source: entry.name, path: entry.path }]);
      const findings = result.patches.flatMap((patch) => patch.findings);
      if (entry.meta.expect === 'flag') {
        const line = CAUGHT_AT[entry.name] ?? entry.meta.bugLine;
        // A finding of the rule on the bug's line (or a note naming it), not another problem of the same function.
        const caught = findings.some(
          (finding) =>
            finding.rule === entry.meta.rule &&
            (line === undefined || Math.abs(finding.line - line) <= 3 || finding.related.some((related) => Math.abs(related.line - line) <= 1)),
        );
        expect({ caught, outOfReach: entry.name in OUT_OF_REACH }).toEqual({ caught: !(entry.name in OUT_OF_REACH), outOfReach: !caught });
      } else {
        const flagged = findings.map((finding) => `${finding.rule}:${finding.line}`);
        expect(flagged.length > 0).toBe(entry.name in KNOWN_FALSE_ALARMS);
      }
    });
  }
});
