import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONFIG_FILE_NAME, isConfigError, loadConfig, parseConfig, selectRules, type Config, type ConfigError } from '../src/config.js';

const KNOWN = ['module-get-self', 'module-put-unbalanced', 'asm-magic-stack-reserve', 'kthread-leak'];

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'cptlint-config-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function expectConfig(result: Config | ConfigError): Config {
  if (isConfigError(result)) throw new Error(`unexpected config error: ${result.message}`);
  return result;
}

function expectError(result: Config | ConfigError): ConfigError {
  if (!isConfigError(result)) throw new Error('expected a config error');
  expect(result.message.startsWith(`${result.file}: `)).toBe(true);
  expect(result.message).not.toContain('\n');
  return result;
}

function parse(value: unknown, directory = root): Config | ConfigError {
  return parseConfig(JSON.stringify(value), join(directory, CONFIG_FILE_NAME), KNOWN);
}

describe('loadConfig', () => {
  it('finds .cptlintrc.json in a folder above cwd', () => {
    writeFileSync(join(root, CONFIG_FILE_NAME), JSON.stringify({ failLevel: 'warning', rules: { 'kthread-leak': 'off' } }));
    const deep = join(root, 'drivers', 'misc');
    mkdirSync(deep, { recursive: true });
    const config = expectConfig(loadConfig({ cwd: deep, knownRuleIds: KNOWN }));
    expect(config.file).toBe(join(root, CONFIG_FILE_NAME));
    expect(config.failLevel).toBe('warning');
    expect(config.rules.get('kthread-leak')).toBe('off');
  });

  it('reads an explicit path relative to cwd, and reports one that is missing', () => {
    writeFileSync(join(root, 'custom.json'), '{"includeContext": true}');
    expect(expectConfig(loadConfig({ cwd: root, path: 'custom.json', knownRuleIds: KNOWN })).includeContext).toBe(true);
    const error = expectError(loadConfig({ cwd: root, path: 'absent.json', knownRuleIds: KNOWN }));
    expect(error.message).toBe(`${join(root, 'absent.json')}: cannot read the file (ENOENT)`);
  });

  it('gives an empty configuration when there is no file', () => {
    const isolated = mkdtempSync(join(tmpdir(), 'cptlint-none-'));
    try {
      const config = expectConfig(loadConfig({ cwd: isolated, knownRuleIds: KNOWN }));
      // A .cptlintrc.json in a folder above the temp dir would be found: only assert when none was.
      if (config.file === null) {
        expect(config.rules.size).toBe(0);
        expect(config.failLevel).toBeUndefined();
        expect(config.hook).toEqual({});
      }
    } finally {
      rmSync(isolated, { recursive: true, force: true });
    }
  });

  it('reports bad JSON with its line and column', () => {
    writeFileSync(join(root, CONFIG_FILE_NAME), '{\n  "failLevel": "error",\n  }\n');
    const error = expectError(loadConfig({ cwd: root, knownRuleIds: KNOWN }));
    expect(error.message).toMatch(/invalid JSON: .*line 3 column 3/);
  });
});

describe('parseConfig', () => {
  it('reads every setting', () => {
    const config = expectConfig(
      parse({
        rules: { 'module-get-self': 'error', 'module-put-unbalanced': true, 'asm-magic-stack-reserve': false, 'kthread-leak': 'info' },
        failLevel: 'none',
        includeContext: false,
        tree: '../linux',
        hook: { blockOnCrash: true },
      }),
    );
    expect([...config.rules]).toEqual([
      ['module-get-self', 'error'],
      ['module-put-unbalanced', 'on'],
      ['asm-magic-stack-reserve', 'off'],
      ['kthread-leak', 'info'],
    ]);
    expect(config.failLevel).toBe('none');
    expect(config.includeContext).toBe(false);
    expect(config.tree).toBe(join(root, '..', 'linux'));
    expect(config.hook).toEqual({ blockOnCrash: true });
  });

  it.each([
    [{ rulez: {} }, 'unknown key "rulez"'],
    [{ rules: { 'module-get-slef': 'off' } }, 'unknown rule "module-get-slef" in "rules" (did you mean "module-get-self"?)'],
    [{ rules: { 'no-such-thing-at-all': 'off' } }, 'unknown rule "no-such-thing-at-all" in "rules"'],
    [{ rules: { 'kthread-leak': 'fatal' } }, 'rule "kthread-leak": expected "off", "error", "warning", "info", true or false, not "fatal"'],
    [{ rules: ['kthread-leak'] }, '"rules" must be an object'],
    [{ failLevel: 'high' }, '"failLevel" must be one of "error", "warning", "info", "none", not "high"'],
    [{ includeContext: 'yes' }, '"includeContext" must be true or false, not "yes"'],
    [{ tree: 3 }, '"tree" must be a path, not 3'],
    [{ hook: { blockOnCrash: 1 } }, '"hook.blockOnCrash" must be true or false, not 1'],
    [{ hook: { block: true } }, 'unknown key "hook.block"'],
    [[1, 2], 'expected a JSON object at the top level'],
  ])('rejects %j', (value, problem) => {
    expect(expectError(parse(value)).message).toContain(problem);
  });
});

describe('selectRules', () => {
  const config = expectConfig(
    parse({ rules: { 'kthread-leak': 'off', 'module-get-self': 'error', 'module-put-unbalanced': true } }, tmpdir()),
  );

  it('runs every rule the file does not turn off, with its severity overrides', () => {
    const selection = selectRules(KNOWN, config);
    expect(selection.enabled).toEqual(['module-get-self', 'module-put-unbalanced', 'asm-magic-stack-reserve']);
    expect([...selection.severities]).toEqual([['module-get-self', 'error']]);
    expect(selection.unknown).toEqual([]);
    expect(selectRules(KNOWN, null).enabled).toEqual(KNOWN);
  });

  it('runs only the rules asked for, even one the file turns off, minus the ignored ones', () => {
    const selection = selectRules(KNOWN, config, ['kthread-leak', 'module-get-self', 'asm-magic-stack-reserve'], ['asm-magic-stack-reserve']);
    expect(selection.enabled).toEqual(['module-get-self', 'kthread-leak']);
    expect(selection.severities.get('module-get-self')).toBe('error');
  });

  it('runs an opt-in rule only when the file or the command line asks for it', () => {
    expect(selectRules(KNOWN, null, undefined, undefined, ['kthread-leak']).enabled).toEqual(KNOWN.filter((id) => id !== 'kthread-leak'));
    const on = expectConfig(parse({ rules: { 'kthread-leak': true } }, tmpdir()));
    expect(selectRules(KNOWN, on, undefined, undefined, ['kthread-leak']).enabled).toContain('kthread-leak');
    expect(selectRules(KNOWN, null, ['kthread-leak'], undefined, ['kthread-leak']).enabled).toEqual(['kthread-leak']);
  });

  it('reports ids that no rule has', () => {
    expect(selectRules(KNOWN, config, ['nope'], ['nope', 'other']).unknown).toEqual(['nope', 'other']);
  });
});
