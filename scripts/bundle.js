/**
 * The second half of `npm run build` (and of `prepare`): bundles the built command
 * (dist/src/cli.js, and the review worker it starts) into dist/bundle/, which the `cptlint`
 * launcher (bin/cptlint.cjs) and so the pre-commit hook run.
 *
 * Why: node resolves, reads and compiles each of the ~130 modules of dist/src separately; one
 * file per entry (and a few shared chunks) starts ~45 ms faster, a fifth of a pre-commit review
 * (bench/README.md). What is imported lazily stays lazy: `import()` becomes a chunk of its
 * own (`splitting`), so `--version` and the hook still load only what they use.
 *
 * Packages stay outside the bundle, loaded from node_modules as before: some find their own
 * files beside them (yargs' locales, web-tree-sitter's wasm), and they are few files.
 *
 * Layout: dist/bundle/ sits at the same depth as dist/src/, and the entries keep their names
 * (cli.js, worker.js) beside the chunks, so the paths the code builds from import.meta.url
 * (package.json and data/ found upward, './worker.js', './cli.js') hold in both.
 */
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'dist/src/cli.js', worker: 'dist/src/review/worker.js' },
  outdir,
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
});
