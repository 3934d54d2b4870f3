/**
 * The direction of imports inside src/ (docs/design.md draws it): one way, no cycles, type
 * imports included. `npm run lint` runs it (npm run lint:deps).
 */
const stage = (name, allowed) => ({
  name: `${name}-imports-only-earlier-stages`,
  comment: `src/${name}/ may import only ${allowed.join(', ')} (and packages)`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  // signal-cleanup.ts is the process's list of temporary paths to remove on SIGINT/SIGTERM: any stage that makes one registers it.
  to: { path: '^src/', pathNot: [...allowed.map((folder) => `^src/${folder}/`), '^src/signal-cleanup\\.ts$'] },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Two modules that import each other, directly or through others (type imports count).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-public-face-inside',
      comment: 'src/index.ts is the library\'s public face and src/cli.ts (with cli-main.ts, which only it loads) the command: nothing else in src/ imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli\\.ts$' },
      to: { path: '^src/(index|cli|cli-main)\\.ts$' },
    },
    stage('model', ['model']),
    stage('parsers', ['model', 'parsers']),
    {
      name: 'facts-imports-only-model',
      comment: 'src/facts/ (the mined kernel facts, read by analysis and rules) may import only model and facts (and packages)',
      severity: 'error',
      from: { path: '^src/facts/', pathNot: '^src/facts/mine/' },
      to: { path: '^src/', pathNot: ['^src/(model|facts)/'] },
    },
    {
      name: 'facts-mining-only-in-mine',
      comment: 'src/facts/ is data read by analysis and rules; only its miner (src/facts/mine/) parses C',
      severity: 'error',
      from: { path: '^src/facts/', pathNot: '^src/facts/mine/' },
      to: { path: '^src/facts/mine/' },
    },
    {
      name: 'facts-mine-imports',
      comment: 'src/facts/mine/ (the generator, run by npm run facts) may import model, parsers and facts',
      severity: 'error',
      from: { path: '^src/facts/mine/' },
      to: { path: '^src/', pathNot: ['^src/(model|parsers|facts)/'] },
    },
    stage('analysis', ['model', 'parsers', 'facts', 'analysis']),
    {
      name: 'flow-knows-no-ownership',
      comment: 'src/analysis/flow/ (graphs, paths, conditions) is below ownership and constants: it imports neither',
      severity: 'error',
      from: { path: '^src/analysis/flow/' },
      to: { path: '^src/analysis/(ownership|constants)/' },
    },
    stage('rules', ['model', 'parsers', 'facts', 'analysis', 'rules']),
    stage('review', ['model', 'parsers', 'facts', 'analysis', 'rules', 'review']),
    stage('report', ['model', 'report']),
    stage('git', ['model', 'parsers', 'git']),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|test|bench)/' },
  },
};
