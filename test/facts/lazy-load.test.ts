import { Readable } from 'node:stream';
import { review } from '../../src/review/pipeline.js';
import { coreStructsLoadMilliseconds, kernelFactsLoaded, kernelOwnershipFactsLoaded } from '../../src/facts/kernel-facts.js';

/** A patch as `git format-patch` writes it, adding `body` as a new C file. */
function patchOf(path: string, body: string): string {
  const lines = body.split('\n').slice(0, -1);
  return [
    'From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001',
    'From: A Developer <dev@example.org>',
    'Date: Sun, 16 Nov 2025 10:17:00 +0000',
    `Subject: [PATCH] add ${path}`,
    '',
    '---',
    `diff --git a/${path} b/${path}`,
    'new file mode 100644',
    '--- /dev/null',
    `+++ b/${path}`,
    `@@ -0,0 +1,${lines.length} @@`,
    ...lines.map((line) => `+${line}`),
    '-- ',
    '2.43.0',
    '',
  ].join('\n');
}

async function reviewText(text: string) {
  return review([{ source: 'test.patch', stream: Readable.from([text]) }], { jobs: 1 });
}

describe('the kernel facts on the review path', () => {
  it('are not read for a change whose tests fit the table, and are read for a callee the table lacks', async () => {
    const known = `static int example_probe(struct platform_device *pdev)
{
	void *buf = kzalloc(64, GFP_KERNEL);

	if (!buf)
		return -ENOMEM;
	return 0;
}
`;
    const first = await reviewText(patchOf('drivers/misc/example-known.c', known));
    expect(first.patches).toHaveLength(1);
    expect(kernelFactsLoaded()).toBe(false);
    // A path that holds the allocation calls nothing the patch does not define: no ownership facts either.
    expect(kernelOwnershipFactsLoaded()).toBe(false);
    // Asked only about a reference stored into a parameter's structure that nothing puts.
    expect(coreStructsLoadMilliseconds()).toBeNull();

    const unknown = `static int example_probe(struct platform_device *pdev)
{
	struct mux_control *mux = devm_mux_control_get(&pdev->dev, NULL);

	if (!mux)
		return -ENODEV;
	return 0;
}
`;
    const second = await reviewText(patchOf('drivers/misc/example-mined.c', unknown));
    expect(kernelFactsLoaded()).toBe(true);
    expect(second.patches[0].findings.map((finding) => finding.rule)).toContain('err-ptr-null-check');
  });
});
