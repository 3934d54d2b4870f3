#!/usr/bin/env node
// Scores a kernel-sweep run against judged verdicts.
// usage: node bench/precision/score.mjs FINDINGS.terse VERDICTS.tsv [...]
//   FINDINGS.terse: `cptlint --no-repo-blobs --format terse --fail-level none OUTDIR/all.mbox`
//   VERDICTS.tsv:   file:line <TAB> rule <TAB> true|false <TAB> category <TAB> reason (a header line is skipped)
// Prints, per rule, the findings judged true and false and those not judged yet, and the precision.
import { readFileSync } from 'node:fs';

const [findingsPath, ...verdictPaths] = process.argv.slice(2);
if (!findingsPath || verdictPaths.length === 0) {
  console.error('usage: score.mjs FINDINGS.terse VERDICTS.tsv [...]');
  process.exit(2);
}
const verdicts = new Map();
for (const path of verdictPaths) {
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const fields = line.split('\t');
    if (fields.length < 3 || !/:\d+$/.test(fields[0])) continue;
    verdicts.set(`${fields[0]}\t${fields[1]}`, fields[2]);
  }
}
const counts = new Map();
const unjudged = [];
for (const line of readFileSync(findingsPath, 'utf8').split('\n')) {
  const match = /^(.*?:\d+): \w+: .* \[([\w-]+)\]$/.exec(line);
  if (!match) continue;
  const verdict = verdicts.get(`${match[1]}\t${match[2]}`) ?? 'unjudged';
  const perRule = counts.get(match[2]) ?? { true: 0, false: 0, unjudged: 0 };
  perRule[verdict] = (perRule[verdict] ?? 0) + 1;
  counts.set(match[2], perRule);
  if (verdict === 'unjudged') unjudged.push(line);
}
const total = { true: 0, false: 0, unjudged: 0 };
for (const [rule, perRule] of [...counts].sort()) {
  for (const key of Object.keys(total)) total[key] += perRule[key] ?? 0;
  const judged = perRule.true + perRule.false;
  console.log(`${rule.padEnd(26)} true ${String(perRule.true).padStart(3)}  false ${String(perRule.false).padStart(3)}  unjudged ${String(perRule.unjudged).padStart(3)}  precision ${judged ? (perRule.true / judged).toFixed(2) : '-'}`);
}
const judged = total.true + total.false;
console.log(`${'all'.padEnd(26)} true ${String(total.true).padStart(3)}  false ${String(total.false).padStart(3)}  unjudged ${String(total.unjudged).padStart(3)}  precision ${judged ? (total.true / judged).toFixed(2) : '-'}`);
for (const line of unjudged) console.log(`  unjudged: ${line}`);
