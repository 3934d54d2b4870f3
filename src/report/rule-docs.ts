/**
 * `cptlint rules` and `cptlint explain <rule>`: the rule metadata as text, with the sections
 * Ruff's rule pages use.
 */
import type { RuleMeta } from '../model/types.js';
import { PROSE_WIDTH, wrapProse } from './wrap.js';

/** One line per rule: id, severity, summary, in aligned columns. */
export function renderRuleList(metas: readonly RuleMeta[]): string {
  const sorted = [...metas].sort((a, b) => a.id.localeCompare(b.id));
  const idWidth = Math.max(0, ...sorted.map((meta) => meta.id.length));
  const severityWidth = Math.max(0, ...sorted.map((meta) => meta.severity.length));
  return sorted.map((meta) => `${meta.id.padEnd(idWidth)}  ${meta.severity.padEnd(severityWidth)}  ${meta.summary}${meta.optIn ? ' (opt-in)' : ''}\n`).join('');
}

function indentedCode(code: string): string[] {
  return code
    .replace(/\n+$/, '')
    .split('\n')
    .map((line) => (line === '' ? '' : `    ${line}`));
}

function section(title: string, body: string[]): string[] {
  return [title, '', ...body, ''];
}

export function renderExplain(meta: RuleMeta): string {
  const lines = [`${meta.id} (default severity: ${meta.severity}${meta.optIn ? `; runs only when asked: --only ${meta.id}, or "${meta.id}": true in the configuration` : ''})`, ''];
  lines.push(...section('What it does', wrapProse(meta.summary, PROSE_WIDTH)));
  lines.push(...section('Why is this bad?', wrapProse(meta.why, PROSE_WIDTH)));
  lines.push(...section('Example', indentedCode(meta.example)));
  lines.push(...section('Use instead', indentedCode(meta.useInstead)));
  lines.push(...section('Confidence and limits', wrapProse(meta.limits, PROSE_WIDTH)));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return `${lines.join('\n')}\n`;
}
