/**
 * Run in a fresh process by the benchmark: imports what the CLI imports (from dist/src, not the
 * bundle), the pre-commit path's first,
 * timing each step, then loads tree-sitter's wasm, and prints the times as one JSON line on
 * stderr. Each figure is what that step adds on top of the steps before it.
 */
const timings: Record<string, number> = {};

async function step(name: string, action: () => Promise<unknown>): Promise<void> {
  const started = performance.now();
  await action();
  timings[name] = performance.now() - started;
}

await step('config', () => import('../src/config.js'));
await step('git', () => import('../src/git/index.js'));
await step('core (parsers, analysis, rules)', () => import('../src/index.js'));
await step('chalk (pretty reporter)', () => import('chalk'));
// Not on the pre-commit path (cptlint --staged reads its command line without yargs):
await step('yargs (other commands)', () => Promise.all([import('yargs'), import('yargs/helpers')]));
await step('node-sarif-builder (--format sarif)', () => import('node-sarif-builder'));
await step('nodemailer (reply)', () => import('nodemailer/lib/mime-node/index.js'));
await step('report (rest)', () => import('../src/report/index.js'));
const { initTreeSitter } = await import('../src/parsers/treesitter.js');
await step('tree-sitter wasm load', () => initTreeSitter());
process.stderr.write(`${JSON.stringify(timings)}\n`);
