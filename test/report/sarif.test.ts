import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import AjvModule from 'ajv';
import type { Log } from 'sarif';
import { renderAll } from '../../src/report/reporter.js';
import { createSarifReporter, FINGERPRINT_KEY, pathToUri } from '../../src/report/sarif.js';
import { toolVersion } from '../../src/report/tool-version.js';
import { cleanReview, finding, SAMPLE_RULES, sampleReview } from './sample-review.js';

const require = createRequire(import.meta.url);
const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

function sarifValidator() {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // A draft-04 schema: its "$schema" and "id" are not draft-07 keywords ajv 8 knows, and
  // one of its patterns ("run.language") is not valid with the u flag ajv uses by default.
  delete schema.$schema;
  delete schema.id;
  const Ajv = AjvModule.default;
  return new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false, allErrors: true }).compile(schema);
}

function render(reviews = [sampleReview(), cleanReview()], errors = [{ source: 'series.mbox', line: 12, message: 'no diff found' }]): Log {
  return JSON.parse(renderAll(createSarifReporter({ rules: SAMPLE_RULES, toolVersion: '9.9.9' }), reviews, errors)) as Log;
}

describe('sarif reporter', () => {
  const validate = sarifValidator();

  it('writes a document the official SARIF 2.1.0 schema accepts', () => {
    const log = render();
    expect(validate(log)).toBe(true);
    expect(validate.errors ?? null).toBeNull();
    expect(validate(render([], []))).toBe(true);
  });

  it('is checked by a schema that does reject a broken document', () => {
    const log = render();
    (log.runs[0].results?.[0] as unknown as { level: string }).level = 'fatal';
    expect(validate(log)).toBe(false);
  });

  it('describes the tool and every rule that ran', () => {
    const { driver } = render().runs[0].tool;
    expect(driver.name).toBe('cptlint');
    expect(driver.version).toBe('9.9.9');
    expect(driver.rules?.map((rule) => rule.id)).toEqual(SAMPLE_RULES.map((meta) => meta.id));
    const rule = driver.rules?.[0];
    expect(rule?.shortDescription?.text).toBe(SAMPLE_RULES[0].summary);
    expect(rule?.fullDescription?.text).toBe(SAMPLE_RULES[0].why);
    expect(rule?.help?.markdown).toContain('```\nif (!try_module_get(THIS_MODULE))');
    expect(rule?.help?.text).toContain('Use instead:\n__module_get(THIS_MODULE);');
    expect(rule?.defaultConfiguration?.level).toBe('warning');
    expect(driver.rules?.[2].defaultConfiguration?.level).toBe('note');
  });

  it('places each result on the post-image line and column of the file the patch names', () => {
    const results = render().runs[0].results ?? [];
    expect(results.map((result) => [result.ruleId, result.level])).toEqual([
      ['asm-magic-stack-reserve', 'note'],
      ['module-get-self', 'warning'],
      ['module-put-unbalanced', 'error'],
    ]);
    const location = results[1].locations?.[0].physicalLocation;
    expect(location?.artifactLocation?.uri).toBe('drivers/misc/worker.c');
    expect(location?.region).toEqual({ startLine: 9, startColumn: 7 });
    expect(results[1].message.text).toMatch(/^Doing try_module_get/);
    expect(results[2].relatedLocations).toEqual([
      { id: 0, physicalLocation: { artifactLocation: { uri: 'drivers/misc/worker.c' }, region: { startLine: 9 } }, message: { text: 'the reference is taken here' } },
    ]);
  });

  it('fingerprints by rule, file and code text, not by line number', () => {
    const moved = sampleReview();
    moved.findings = moved.findings.map((item) => ({ ...item, line: item.line + 40, code: `  ${item.code}  ` }));
    const before = (render([sampleReview()], []).runs[0].results ?? []).map((result) => result.partialFingerprints?.[FINGERPRINT_KEY]);
    const after = (render([moved], []).runs[0].results ?? []).map((result) => result.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(before.length);
    const edited = sampleReview();
    edited.findings[1] = { ...edited.findings[1], code: '\tif (!try_module_get(other))' };
    const changed = (render([edited], []).runs[0].results ?? [])[1].partialFingerprints?.[FINGERPRINT_KEY];
    expect(changed).not.toBe(before[1]);
  });

  it('tells apart identical lines of one file', () => {
    const twice = sampleReview();
    const same = finding({ file: 'drivers/misc/worker.c', line: 30, code: '\tmodule_put(THIS_MODULE);', rule: 'module-put-unbalanced' });
    twice.findings = [twice.findings[2], same];
    const [first, second] = (render([twice], []).runs[0].results ?? []).map((result) => result.partialFingerprints?.[FINGERPRINT_KEY]);
    expect(first).not.toBe(second);
  });

  it('reports input errors as tool notifications', () => {
    const [invocation] = render().runs[0].invocations ?? [];
    expect(invocation.toolExecutionNotifications?.[0].message.text).toBe('no diff found');
    expect(invocation.toolExecutionNotifications?.[0].locations?.[0].physicalLocation?.region?.startLine).toBe(12);
  });

  it('percent-encodes odd characters in paths but keeps the slashes', () => {
    expect(pathToUri('drivers/net/a b#c.c')).toBe('drivers/net/a%20b%23c.c');
  });

  it('reads its default version from package.json', () => {
    const manifest = JSON.parse(readFileSync(require.resolve('../../package.json'), 'utf8')) as { version: string };
    expect(toolVersion()).toBe(manifest.version);
    const log = JSON.parse(renderAll(createSarifReporter({ rules: [] }), [])) as Log;
    expect(log.runs[0].tool.driver.version).toBe(manifest.version);
  });
});
