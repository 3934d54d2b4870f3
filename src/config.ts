/**
 * The project configuration, `.cptlintrc.json`, found upward from a directory or given by
 * path:
 *
 *   { "rules": { "<id>": "off" | "error" | "warning" | "info" | true | false },
 *     "failLevel": "error" | "warning" | "info" | "none",
 *     "includeContext": boolean, "tree": "<path>", "maxMessageMegabytes": number,
 *     "hook": { "blockOnCrash": boolean } }
 *
 * Anything else (an unknown key or rule id, a wrong value, bad JSON) is a ConfigError value
 * whose one-line message names the file; the CLI prints it and exits 2. Settings left out
 * stay undefined, so the CLI can put its flags above the file and its defaults below.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Severity } from './model/types.js';

export const CONFIG_FILE_NAME = '.cptlintrc.json';

/** "on" runs the rule at its own severity; a severity runs it at that one. */
export type RuleSetting = 'off' | 'on' | Severity;
export type FailLevel = Severity | 'none';

export interface Config {
  kind: 'config';
  /** The file read, or null when none was found (every setting then left to the CLI). */
  file: string | null;
  rules: ReadonlyMap<string, RuleSetting>;
  failLevel?: FailLevel;
  includeContext?: boolean;
  /** The kernel tree to read whole files from, resolved against the config file's folder. */
  tree?: string;
  /** The largest message reviewed, in MB (default 64): a larger one is an input error, skipped. */
  maxMessageMegabytes?: number;
  hook: { blockOnCrash?: boolean };
}

export interface ConfigError {
  kind: 'config-error';
  file: string;
  /** One line, starting with the file's path. */
  message: string;
}

export interface LoadConfigOptions {
  cwd: string;
  /** An explicit config file (relative to cwd); no upward search then. */
  path?: string;
  knownRuleIds: readonly string[];
}

const SEVERITIES: readonly string[] = ['error', 'warning', 'info'];
const FAIL_LEVELS: readonly string[] = [...SEVERITIES, 'none'];
const TOP_LEVEL_KEYS = ['rules', 'failLevel', 'includeContext', 'tree', 'maxMessageMegabytes', 'hook'];
const HOOK_KEYS = ['blockOnCrash'];

export function isConfigError(value: Config | ConfigError): value is ConfigError {
  return value.kind === 'config-error';
}

/** The nearest .cptlintrc.json in `directory` or a folder above it. */
export function findConfigFile(directory: string): string | null {
  for (let current = resolve(directory); ; current = dirname(current)) {
    const candidate = join(current, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (dirname(current) === current) return null;
  }
}

export function loadConfig(options: LoadConfigOptions): Config | ConfigError {
  const file = options.path === undefined ? findConfigFile(options.cwd) : resolve(options.cwd, options.path);
  if (file === null) return { kind: 'config', file: null, rules: new Map(), hook: {} };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return configError(file, `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return parseConfig(text, file, options.knownRuleIds);
}

/** Parses and checks the text of a config file; `file` names it in messages and anchors `tree`. */
export function parseConfig(text: string, file: string, knownRuleIds: readonly string[]): Config | ConfigError {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return configError(file, `invalid JSON: ${jsonErrorWhere(text, error)}`);
  }
  if (!isPlainObject(data)) return configError(file, 'expected a JSON object at the top level');

  const unknownKey = Object.keys(data).find((key) => !TOP_LEVEL_KEYS.includes(key));
  if (unknownKey !== undefined) return configError(file, `unknown key "${unknownKey}" (known: ${TOP_LEVEL_KEYS.join(', ')})`);

  const config: Config = { kind: 'config', file, rules: new Map(), hook: {} };
  if (data.rules !== undefined) {
    const rules = parseRules(data.rules, knownRuleIds);
    if (typeof rules === 'string') return configError(file, rules);
    config.rules = rules;
  }
  if (data.failLevel !== undefined) {
    if (typeof data.failLevel !== 'string' || !FAIL_LEVELS.includes(data.failLevel)) {
      return configError(file, `"failLevel" must be one of ${FAIL_LEVELS.map((level) => `"${level}"`).join(', ')}, not ${JSON.stringify(data.failLevel)}`);
    }
    config.failLevel = data.failLevel as FailLevel;
  }
  if (data.includeContext !== undefined) {
    if (typeof data.includeContext !== 'boolean') return configError(file, `"includeContext" must be true or false, not ${JSON.stringify(data.includeContext)}`);
    config.includeContext = data.includeContext;
  }
  if (data.tree !== undefined) {
    if (typeof data.tree !== 'string' || data.tree === '') return configError(file, `"tree" must be a path, not ${JSON.stringify(data.tree)}`);
    config.tree = resolve(dirname(file), data.tree);
  }
  if (data.maxMessageMegabytes !== undefined) {
    const megabytes = data.maxMessageMegabytes;
    if (typeof megabytes !== 'number' || !Number.isFinite(megabytes) || megabytes <= 0 || megabytes > 4096) {
      return configError(file, `"maxMessageMegabytes" must be a number above 0 and at most 4096, not ${JSON.stringify(megabytes)}`);
    }
    config.maxMessageMegabytes = megabytes;
  }
  if (data.hook !== undefined) {
    const hook = parseHook(data.hook);
    if (typeof hook === 'string') return configError(file, hook);
    config.hook = hook;
  }
  return config;
}

function parseRules(value: unknown, knownRuleIds: readonly string[]): Map<string, RuleSetting> | string {
  if (!isPlainObject(value)) return '"rules" must be an object of rule id to setting';
  const rules = new Map<string, RuleSetting>();
  for (const [id, setting] of Object.entries(value)) {
    if (!knownRuleIds.includes(id)) {
      const suggestion = closestId(id, knownRuleIds);
      return `unknown rule "${id}" in "rules"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`;
    }
    if (setting === true) rules.set(id, 'on');
    else if (setting === false || setting === 'off') rules.set(id, 'off');
    else if (typeof setting === 'string' && SEVERITIES.includes(setting)) rules.set(id, setting as Severity);
    else return `rule "${id}": expected "off", "error", "warning", "info", true or false, not ${JSON.stringify(setting)}`;
  }
  return rules;
}

function parseHook(value: unknown): Config['hook'] | string {
  if (!isPlainObject(value)) return '"hook" must be an object';
  const unknownKey = Object.keys(value).find((key) => !HOOK_KEYS.includes(key));
  if (unknownKey !== undefined) return `unknown key "hook.${unknownKey}" (known: ${HOOK_KEYS.join(', ')})`;
  if (value.blockOnCrash === undefined) return {};
  if (typeof value.blockOnCrash !== 'boolean') return `"hook.blockOnCrash" must be true or false, not ${JSON.stringify(value.blockOnCrash)}`;
  return { blockOnCrash: value.blockOnCrash };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function configError(file: string, problem: string): ConfigError {
  return { kind: 'config-error', file, message: `${file}: ${problem}` };
}

/** JSON.parse's message, with the line and column of the offset it names. */
function jsonErrorWhere(text: string, error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  const position = /at position (\d+)/.exec(message);
  if (!position || /\(line \d+/.test(message)) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line} column ${column})`;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The known id a typo most likely meant, when one is close enough. */
function closestId(id: string, knownIds: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Math.max(2, Math.floor(id.length / 4)) + 1;
  for (const known of knownIds) {
    const distance = editDistance(id, known);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  return best;
}

export interface RuleSelection {
  /** Rule ids to run, in the order of `knownIds`. */
  enabled: string[];
  /** Severity per rule id where the configuration overrides the rule's own. */
  severities: Map<string, Severity>;
  /** Ids given in `only` or `ignore` that no rule has (the CLI reports them). */
  unknown: string[];
}

/**
 * Which rules run: every known rule the configuration does not turn off, and the opt-in ones
 * it turns on; with `only`, just those (an explicit request wins over "off" in the file);
 * minus `ignore`.
 */
export function selectRules(
  knownIds: readonly string[],
  config: Pick<Config, 'rules'> | null,
  only?: readonly string[],
  ignore?: readonly string[],
  optIn: readonly string[] = [],
): RuleSelection {
  const settings = config?.rules ?? new Map<string, RuleSetting>();
  const unknown = [...(only ?? []), ...(ignore ?? [])].filter((id, index, all) => !knownIds.includes(id) && all.indexOf(id) === index);
  const ignored = new Set(ignore ?? []);
  const wanted = only !== undefined && only.length > 0 ? new Set(only) : null;
  const enabled = knownIds.filter((id) => {
    if (ignored.has(id)) return false;
    if (wanted) return wanted.has(id);
    const setting = settings.get(id);
    return optIn.includes(id) ? setting !== undefined && setting !== 'off' : setting !== 'off';
  });
  const severities = new Map<string, Severity>();
  for (const id of enabled) {
    const setting = settings.get(id);
    if (setting === 'error' || setting === 'warning' || setting === 'info') severities.set(id, setting);
  }
  return { enabled, severities, unknown };
}
