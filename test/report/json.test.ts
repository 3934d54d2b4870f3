import { createJsonReporter, type JsonDocument } from '../../src/report/json.js';
import { renderAll } from '../../src/report/reporter.js';
import { cleanReview, sampleReview } from './sample-review.js';

function render(reviews = [sampleReview(), cleanReview()], errors = [{ source: 'x.mbox', line: 4, message: 'no diff' }]): string {
  return renderAll(createJsonReporter(), reviews, errors);
}

describe('json reporter', () => {
  it('writes one valid document whatever the number of patches', () => {
    for (const reviews of [[], [sampleReview()], [sampleReview(), cleanReview(), sampleReview()]]) {
      const document = JSON.parse(render(reviews, [])) as JsonDocument;
      expect(document.version).toBe(1);
      expect(document.patches).toHaveLength(reviews.length);
      expect(document.errors).toEqual([]);
    }
  });

  it('keeps the version 1 contract exactly', () => {
    const document = JSON.parse(render()) as JsonDocument;
    expect(Object.keys(document)).toEqual(['version', 'patches', 'errors']);
    const [patch] = document.patches;
    expect(Object.keys(patch)).toEqual(['source', 'subject', 'title', 'author', 'date', 'messageId', 'series', 'files', 'findings']);
    expect(patch.author).toBe('Jörg Exämple <joerg@example.org>');
    expect(patch.messageId).toBe('1220439476-16465-3-git-send-email-joerg@example.org');
    expect(patch.series).toEqual({ version: 2, number: 2, total: 3 });
    expect(patch.files[1]).toEqual({ path: 'drivers/misc/worker.c', status: 'added', language: 'c', added: 25, removed: 0 });
    expect(Object.keys(patch.findings[0])).toEqual(['rule', 'severity', 'file', 'line', 'code', 'summary', 'comment', 'related']);
    expect(patch.findings[2].related).toEqual([{ file: 'drivers/misc/worker.c', line: 9, note: 'the reference is taken here' }]);
    expect(document.errors).toEqual([{ source: 'x.mbox', line: 4, message: 'no diff' }]);
  });

  it('strips angle brackets from the Message-Id and gives null when there is none', () => {
    const bracketed = sampleReview();
    bracketed.patch.mail.messageId = '<abc@example.org>';
    const missing = sampleReview();
    missing.patch.mail.messageId = null;
    missing.patch.series = null;
    const document = JSON.parse(render([bracketed, missing], [])) as JsonDocument;
    expect(document.patches[0].messageId).toBe('abc@example.org');
    expect(document.patches[1].messageId).toBeNull();
    expect(document.patches[1].series).toBeNull();
  });

  it('emits each patch as soon as it is given, one line each', () => {
    const reporter = createJsonReporter();
    const head = reporter.start();
    const first = reporter.patch(sampleReview());
    expect(first.trim().startsWith('{"source":"series.mbox"')).toBe(true);
    const second = reporter.patch(cleanReview());
    expect(second.startsWith(',\n')).toBe(true);
    expect(second.slice(2)).not.toContain('\n');
    JSON.parse(head + first + second + reporter.end({ errors: [] }));
  });
});
