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
 * Packages stay outside the bundle, loaded from node_modules as before (some find their own
 * files beside them: yargs' locales, web-tree-sitter's wasm), except the few that every review
 * loads and that are plain code: postal-mime (a review needs only its address parser, ~20 ms
 * less than loading all of it), chalk (the pretty reporter) and parse-diff.
 *
 * Layout: dist/bundle/ sits at the same depth as dist/src/, and the entries keep their names
 * (cli.js, worker.js) beside the chunks, so the paths the code builds from import.meta.url
 * (package.json and data/ found upward, './worker.js', './cli.js') hold in both.
 */
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');
const BUNDLED = new Set(['postal-mime', 'chalk', 'parse-diff']);
const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
// A package's subpaths too (yargs/helpers, nodemailer/lib/...).
const external = Object.keys(dependencies).filter((name) => !BUNDLED.has(name)).flatMap((name) => [name, `${name}/*`]);

/**
 * mail.ts imports only postal-mime's address parser, but from the package's index (its
 * package.json exports nothing else), which would put all of postal-mime, its HTML entity
 * table and MIME tree included, into the chunk every review loads. For the bundle, that import
 * reads the parser's own module instead (the index re-exports that module's default as
 * `addressParser`); the rest of postal-mime loads only with the lazy `import('postal-mime')` of
 * mime-parts.ts, for a base64 or quoted-printable body.
 */
const postalAddressParser = {
  name: 'postal-mime-address-parser',
  setup(build) {
    build.onResolve({ filter: /^postal-mime$/ }, (args) =>
      args.kind === 'import-statement' && /[\\/]parsers[\\/]mail\.js$/.test(args.importer) ? { path: 'postal-mime', namespace: 'address-parser' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'address-parser' }, () => ({
      contents: `export { default as addressParser } from ${JSON.stringify(join(root, 'node_modules', 'postal-mime', 'dist', 'esm', 'address-parser.js'))};`,
      resolveDir: root,
    }));
  },
};

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
  external,
  plugins: [postalAddressParser],
  logLevel: 'warning',
});
