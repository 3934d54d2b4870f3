/**
 * The command line, loaded by src/cli.ts once it knows that more than the version is asked:
 * with cli.ts, the only module that reads argv, writes to stdout/stderr or sets the exit
 * code. Everything it does is a call into the library.
 *
 * Exit codes: 0 no finding reaches the fail level; 1 one does; 2 an input or the command
 * line could not be read (the rest is still reviewed and reported), or cptlint failed; 3 a
 * finding reaches the fail level and something could not be read or reviewed (1 and 2 at
 * once: the pre-commit hook refuses the commit on 1 and on 3).
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Argv } from 'yargs';
import { isConfigError, loadConfig, selectRules, type Config, type FailLevel } from './config.js';
import { installHook, isInputError, openBlobContext, openTreeContext, rangeBase, rangeInput, stagedInput, uninstallHook } from './git/index.js';
import { gitUserAddress } from './git/user.js';
import type { ReviewInput } from './model/review.js';
import { preloadParsers, reviewStream, type ReviewOptions } from './review/pipeline.js';
import type { InputError, PatchReview, Severity } from './model/types.js';
import { pushAll } from './model/push-all.js';
// Reporters load by format, and reply drafts only for `reply`: the pre-commit hook should not pay for SARIF or nodemailer.
import { loadReporter, REPORT_FORMATS, type ReportFormat } from './report/formats.js';
import type { ReplyDraft } from './report/reply.js';
import { renderExplain, renderRuleList } from './report/rule-docs.js';
import { escapeControls } from './report/escape.js';
import { toolVersion } from './report/tool-version.js';
import { ProgressMeter } from './review/progress.js';
import { allRules, ruleById } from './rules/index.js';

/** A problem with the command line or the configuration: one line on stderr, exit 2. */
class UsageError extends Error {}

/** The positionals of the commands; every other name in a yargs message is an option. */
const POSITIONALS = new Set(['inputs', 'rule', 'action']);

/**
 * yargs' complaint as one line. Its messages span lines, and the one for a wrong choice
 * ("Invalid values:", then "Argument: format, Given: "foo", Choices: ...") says nothing
 * useful in its first: it becomes `--format: invalid value "foo" (choose from pretty, ...)`.
 */
function usageMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const wrongChoices = lines.flatMap((line) => {
    const match = /^Argument: (\S+), Given: (.*), Choices: (.*)$/.exec(line);
    if (!match) return [];
    const [, name, given, choices] = match;
    const choiceList = choices.split(', ').map((choice) => choice.replace(/^"(.*)"$/, '$1'));
    return [`${POSITIONALS.has(name) ? name : `--${name}`}: invalid value ${given} (choose from ${choiceList.join(', ')})`];
  });
  return wrongChoices.length > 0 ? wrongChoices.join('; ') : lines.join(' ');
}

/** The exit statuses (documented in README.md). */
export const EXIT = { clean: 0, findings: 1, unreadable: 2, findingsAndUnreadable: 3 } as const;

/**
 * Set once a finding that reaches the fail level has been reported: whatever fails afterwards
 * (another input, a crash), the exit status must still say that a finding blocks.
 */
let blockingFindingReported = false;

const SEVERITY_RANK: Record<Severity, number> = { info: 1, warning: 2, error: 3 };
const FAIL_RANK: Record<FailLevel, number> = { info: 1, warning: 2, error: 3, none: Infinity };

interface CommonArgs {
  inputs?: string[];
  config?: string;
  only?: string | string[];
  ignore?: string | string[];
  includeContext?: boolean;
  staged?: boolean;
  git?: string;
  tree?: string;
  repoBlobs?: boolean;
  jobs?: number;
  progress?: boolean;
}

interface ReviewArgs extends CommonArgs {
  format?: ReportFormat;
  color?: boolean;
  failLevel?: FailLevel;
  quiet?: boolean;
  verbose?: boolean;
}

interface ReplyArgs extends CommonArgs {
  output?: string;
  outdir?: string;
  from?: string;
  signature?: string;
  all?: boolean;
  force?: boolean;
}


/** Whether the progress line is on the terminal now: any other output erases it first. */
let progressDrawn = false;

function eraseProgress(): void {
  if (!progressDrawn) return;
  process.stderr.write('\r\x1b[2K');
  progressDrawn = false;
}

/** Every line cptlint writes to stderr goes through here, never over the progress line. */
function writeError(text: string): void {
  eraseProgress();
  process.stderr.write(text);
}

function reportInputError(error: InputError): void {
  writeError(`cptlint: ${escapeControls(error.source)}${error.line > 0 ? `:${error.line}` : ''}: ${escapeControls(error.message)}\n`);
}

function splitIds(values: string | readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  return (typeof values === 'string' ? [values] : values)
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter(Boolean);
}

function readConfig(args: CommonArgs): Config {
  const config = loadConfig({ cwd: process.cwd(), path: args.config, knownRuleIds: allRules.map((rule) => rule.meta.id) });
  if (isConfigError(config)) throw new UsageError(config.message);
  return config;
}

/** The review options the command line and the configuration ask for. */
function buildReviewOptions(args: CommonArgs, config: Config): ReviewOptions {
  const selection = selectRules(
    allRules.map((rule) => rule.meta.id),
    config,
    splitIds(args.only),
    splitIds(args.ignore),
    allRules.filter((rule) => rule.meta.optIn === true).map((rule) => rule.meta.id),
  );
  if (selection.unknown.length > 0) {
    throw new UsageError(`unknown rule ${selection.unknown.join(', ')} (cptlint rules lists them)`);
  }
  return {
    rules: allRules.filter((rule) => selection.enabled.includes(rule.meta.id)),
    severities: selection.severities,
    includeContext: args.includeContext ?? config.includeContext ?? false,
    jobs: jobCount(args.jobs),
    ...(config.maxMessageMegabytes === undefined ? {} : { maxMessageBytes: Math.floor(config.maxMessageMegabytes * (1 << 20)) }),
  };
}

function jobCount(jobs: number | undefined): number {
  // One core stays with the main thread, which reads the input, collects garbage and compiles:
  // measured on 2 cores, a worker per core was slower than none (bench/README.md).
  if (jobs === undefined) return Math.max(1, availableParallelism() - 1);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError(`--jobs takes a whole number of at least 1, not ${String(jobs)}`);
  // More workers than cores only add memory (each has its own heap and tree-sitter).
  return Math.min(jobs, availableParallelism());
}

/**
 * The progress line on stderr, only when stderr is a terminal (never into a pipe or a file,
 * whatever --progress says) and not turned off with --no-progress. Redrawn in place, erased
 * before any other output and when the review ends.
 */
function startProgress(args: CommonArgs, inputs: readonly ReviewInput[]): ProgressMeter | null {
  if (!process.stderr.isTTY || args.progress === false) return null;
  let totalBytes: number | null = 0;
  for (const input of inputs) {
    try {
      totalBytes = input.stream || totalBytes === null ? null : totalBytes + statSync(input.path ?? input.source).size;
    } catch {
      totalBytes = null;
    }
  }
  return new ProgressMeter({ totalBytes }, performance.now());
}

function drawProgress(progress: ProgressMeter | null): void {
  const line = progress?.lineIfDue(performance.now());
  if (!line) return;
  process.stderr.write(`\r\x1b[2K${line}`);
  progressDrawn = true;
}

/** Inputs up to this size are reviewed before V8's optimising wasm compiler would pay off. */
const SMALL_INPUT_BYTES = 256 * 1024;

/**
 * For a small input (the pre-commit hook's staged change, a patch file or two), tree-sitter's
 * wasm runs on V8's baseline compiler only: the optimising tier compiles in the background
 * for longer than such a review takes, and the process waits for it before it can exit
 * (about 70 ms, a third of the hook's time). Large inputs keep it: it is ~15% faster on the
 * corpus. Must run before the wasm is first compiled.
 */
function useBaselineWasmForSmallInput(args: CommonArgs): void {
  const files = args.inputs ?? [];
  if (args.git || files.includes('-') || (!args.staged && files.length === 0)) return;
  let bytes = 0;
  for (const name of files) {
    try {
      bytes += statSync(name).size;
    } catch {
      // Reported when the input is read.
    }
  }
  if (bytes <= SMALL_INPUT_BYTES) setFlagsFromString('--liftoff-only');
}

/** Writes to stdout, and waits when the pipe is full, so that a slow reader does not make output pile up in memory. */
function writeOut(text: string): Promise<void> | void {
  if (text === '') return;
  eraseProgress();
  if (process.stdout.write(text)) return;
  return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
}

/** What to read: git's staged change or range, the named files, or standard input on a pipe. */
async function resolveInputs(args: CommonArgs): Promise<{ inputs: ReviewInput[]; errors: InputError[] }> {
  const inputs: ReviewInput[] = [];
  const errors: InputError[] = [];
  const fromGit = async (result: Promise<ReviewInput[] | InputError>) => {
    const value = await result;
    if (isInputError(value)) errors.push(value);
    else pushAll(inputs, value);
  };
  if (args.staged) await fromGit(stagedInput(process.cwd()));
  if (args.git) await fromGit(rangeInput(process.cwd(), args.git));
  for (const name of args.inputs ?? []) {
    inputs.push(name === '-' ? { source: '-', stream: process.stdin } : { source: name });
  }
  if (!args.staged && !args.git && (args.inputs ?? []).length === 0) {
    if (process.stdin.isTTY) throw new UsageError('no input: name an mbox or patch file, - for standard input, --staged or --git RANGE');
    inputs.push({ source: '-', stream: process.stdin });
  }
  return { inputs, errors };
}

/**
 * Runs the review, handing each patch to `onPatch` as soon as it is reviewed. Input errors go
 * to stderr at once, one line each, and are returned for the report's summary.
 */
async function streamReview(
  args: CommonArgs,
  config: Config,
  onPatch: (review: PatchReview) => Promise<void> | void,
): Promise<InputError[]> {
  const options = buildReviewOptions(args, config);
  const treePath = args.tree ?? config.tree;
  // Inside a repository that holds the patches' pre-image blobs, whole functions come from there.
  // Asked now, so that its git runs while --staged's git questions do (the hook waits on both).
  const blobContext = !treePath && args.repoBlobs !== false ? openBlobContext(process.cwd()) : null;
  const { inputs, errors } = await resolveInputs(args);
  errors.forEach(reportInputError);
  let tree = null;
  if (treePath) {
    // A range's patches apply to the parent of its first commit, not to HEAD (where they are already).
    const base = args.git ? await rangeBase(process.cwd(), args.git) : undefined;
    const opened = await openTreeContext(resolve(treePath), { base });
    if (isInputError(opened)) {
      reportInputError(opened);
      errors.push(opened);
    } else {
      tree = opened;
      options.tree = opened;
    }
  } else if (blobContext) {
    options.tree = (await blobContext) ?? undefined;
  }
  const progress = startProgress(args, inputs);
  if (progress) options.onRead = (source, bytesRead) => progress.read(source, bytesRead);
  try {
    for await (const event of reviewStream(inputs, options)) {
      if (event.kind === 'patch') {
        progress?.patchDone();
        await onPatch(event.review);
      } else {
        reportInputError(event.error);
        errors.push(event.error);
      }
      drawProgress(progress);
    }
  } finally {
    eraseProgress();
    tree?.close();
  }
  return errors;
}

function colorLevel(args: ReviewArgs): 0 | 1 | 2 | 3 {
  if (args.color === false || process.env.NO_COLOR) return 0;
  if (args.color === true) return 1;
  return process.stdout.isTTY ? (process.stdout.hasColors?.(256) ? 2 : 1) : 0;
}

async function runReview(args: ReviewArgs): Promise<number> {
  useBaselineWasmForSmallInput(args);
  preloadParsers();
  const config = readConfig(args);
  const format = args.format ?? 'pretty';
  const reporter = await loadReporter(format, {
    colorLevel: colorLevel(args),
    quiet: args.quiet,
    verbose: args.verbose,
    rules: allRules.map((rule) => rule.meta),
    toolVersion: toolVersion(),
  });
  const failRank = FAIL_RANK[args.failLevel ?? config.failLevel ?? 'warning'];
  let worst = 0;
  await writeOut(reporter.start());
  const errors = await streamReview(args, config, (review) => {
    for (const finding of review.findings) worst = Math.max(worst, SEVERITY_RANK[finding.severity]);
    const written = writeOut(reporter.patch(review));
    if (worst >= failRank) blockingFindingReported = true;
    return written;
  });
  await writeOut(reporter.end({ errors }));
  if (worst >= failRank) return errors.length > 0 ? EXIT.findingsAndUnreadable : EXIT.findings;
  return errors.length > 0 ? EXIT.unreadable : EXIT.clean;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A patch without Message-Id (a `git format-patch` file that was never sent) gets a reply
 * without In-Reply-To and References: mail clients and lore will not thread it. Say so,
 * naming the patch, so that the user can add the Message-Id of the mail as it was sent.
 */
function warnUnthreaded(drafts: readonly ReplyDraft[], named: boolean): void {
  for (const { patch, fileName } of drafts) {
    if (patch.mail.messageId) continue;
    const draft = named ? `the draft ${escapeControls(fileName)}` : 'its draft';
    writeError(
      `cptlint: ${escapeControls(patch.source)}: "${escapeControls(patch.subject)}" has no Message-Id, so ${draft} is not threaded under it: ` +
        'add "In-Reply-To: <the Message-Id of the mail as sent>" to it by hand\n',
    );
  }
}

async function runReply(args: ReplyArgs): Promise<number> {
  useBaselineWasmForSmallInput(args);
  preloadParsers();
  const config = readConfig(args);
  const from = args.from ?? (await gitUserAddress(process.cwd()));
  if (!from) throw new UsageError('reply needs your address: --from "Name <you@example.org>" or git config user.name and user.email');
  const reviews: PatchReview[] = [];
  const errors = await streamReview(args, config, (review) => {
    reviews.push(review);
  });
  const { buildReplyDrafts, draftsToMbox } = await import('./report/index.js');
  const { DraftWriteError, prepareDraftDirectory, writeDraftFile } = await import('./report/draft-files.js');
  const drafts = buildReplyDrafts(reviews, { from, signature: args.signature, all: args.all });
  const force = args.force ?? false;
  const kept: string[] = [];
  let written = 0;
  try {
    if (args.outdir !== undefined) {
      const dir = prepareDraftDirectory(args.outdir);
      for (const draft of drafts) {
        if (writeDraftFile(join(dir, draft.fileName), draft.text, force) === 'kept') kept.push(join(args.outdir, draft.fileName));
        else written += 1;
      }
    } else if (args.output !== undefined) {
      if (args.output === '') throw new UsageError('-o needs a file name');
      if (isDirectory(args.output)) throw new UsageError(`-o ${args.output} is a directory (--outdir writes one file per draft into a directory)`);
      if (writeDraftFile(resolve(args.output), drafts.length === 1 ? drafts[0].text : draftsToMbox(drafts), force) === 'kept') kept.push(args.output);
      else written = drafts.length;
    } else {
      const mbox = draftsToMbox(drafts);
      // On a terminal the drafts are read, not sent: escapes from the quoted patch are shown, not obeyed.
      process.stdout.write(process.stdout.isTTY ? mbox.split('\n').map(escapeControls).join('\n') : mbox);
    }
  } catch (error) {
    if (error instanceof DraftWriteError) throw new UsageError(error.message);
    throw error;
  }
  warnUnthreaded(drafts, Boolean(args.outdir));
  const where = args.outdir ?? args.output;
  if (where !== undefined) {
    for (const path of kept) writeError(`cptlint: kept ${escapeControls(path)}: it exists (--force overwrites it)\n`);
    writeError(`cptlint: ${written} draft${written === 1 ? '' : 's'} written to ${escapeControls(where)}${kept.length > 0 ? `, ${kept.length} kept` : ''}\n`);
  }
  return errors.length > 0 ? 2 : 0;
}

async function runHook(action: 'install' | 'uninstall', force: boolean): Promise<number> {
  // The entry (cli.ts) sits beside this module, built by tsc or bundled: the hook runs it.
  const cli = fileURLToPath(new URL('./cli.js', import.meta.url));
  const result =
    action === 'install'
      ? await installHook({ cwd: process.cwd(), force, cptlintCommand: { node: process.execPath, cli } })
      : await uninstallHook({ cwd: process.cwd() });
  if (isInputError(result)) {
    reportInputError(result);
    return 2;
  }
  process.stdout.write(`${result.message}\n`);
  return 0;
}

function commonOptions<T>(argv: Argv<T>) {
  return argv
    .positional('inputs', { type: 'string', array: true, describe: 'mbox, patch or diff files; - for standard input' })
    .option('config', { type: 'string', describe: 'configuration file (default: .cptlintrc.json found upward)' })
    // Not `array: true`: that would swallow the inputs after `--only ID`. Repeating the
    // option still gives an array.
    .option('only', { type: 'string', describe: 'run only these rules (ids, comma-separated)' })
    .option('ignore', { type: 'string', describe: 'do not run these rules (ids, comma-separated)' })
    .option('include-context', { type: 'boolean', describe: 'also report findings on unchanged lines the patch shows' })
    .option('staged', { type: 'boolean', describe: 'review the staged change (git diff --cached) of the repository here' })
    .option('git', { type: 'string', describe: 'review each commit of a range as a series (HEAD~3.., v6.1..topic, a commit)' })
    .option('tree', { type: 'string', describe: 'a kernel tree to apply the patches to, for whole-file analysis' })
    .option('repo-blobs', {
      type: 'boolean',
      default: true,
      describe: "read whole pre-image files from the current repository's blobs (the diff's index lines); --no-repo-blobs: hunks only",
    })
    .option('jobs', { alias: 'j', type: 'number', describe: 'worker threads for large inputs (default: one less than the cores; output is the same)' })
    .option('progress', { type: 'boolean', describe: 'show progress on stderr when it is a terminal (default; --no-progress: never)' });
}

/**
 * The pre-commit hook's own command line (`--staged`, optionally `--format F` and `--quiet`), read without
 * yargs: loading yargs takes ~50 ms (its string-width dependency builds an Intl.Segmenter),
 * a quarter of the hook's budget. Anything else, or anything odd, goes through yargs.
 */
function hookCommandLine(argv: readonly string[]): ReviewArgs | null {
  const args: ReviewArgs = {};
  for (let index = 0; index < argv.length; index++) {
    const token = argv[index];
    if (token === '--staged' && !args.staged) {
      args.staged = true;
      continue;
    }
    if (token === '--quiet' && !args.quiet) {
      args.quiet = true;
      continue;
    }
    const format = token === '--format' ? argv[++index] : token.startsWith('--format=') ? token.slice('--format='.length) : null;
    if (format === null || args.format !== undefined || !(REPORT_FORMATS as readonly string[]).includes(format)) return null;
    args.format = format as ReportFormat;
  }
  return args.staged ? args : null;
}

async function main(): Promise<number> {
  const hookArgs = hookCommandLine(process.argv.slice(2));
  if (hookArgs) return runReview(hookArgs);
  const [{ default: yargs }, { hideBin }] = await Promise.all([import('yargs'), import('yargs/helpers')]);
  let exitCode = 0;
  await yargs(hideBin(process.argv))
    .scriptName('cptlint')
    .usage('$0 [inputs..]\n\nReview Linux kernel patches as a kernel reviewer would.')
    .version(toolVersion())
    .strict()
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(usageMessage(message));
    })
    .command(
      '$0 [inputs..]',
      'review patches and print the findings',
      (argv) =>
        commonOptions(argv)
          .option('format', { alias: 'f', choices: REPORT_FORMATS, describe: 'output format (default: pretty)' })
          .option('color', { type: 'boolean', describe: 'colour the pretty output (default: on a terminal; NO_COLOR turns it off)' })
          .option('fail-level', { choices: ['error', 'warning', 'info', 'none'] as const, describe: 'exit 1 when a finding reaches this severity (default: warning)' })
          .option('quiet', { alias: 'q', type: 'boolean', describe: 'pretty: only the patches with findings; nothing at all when there is none' })
          .option('verbose', { type: 'boolean', describe: 'pretty: also the related lines of each finding, and the patches without findings by name' }),
      async (args) => {
        exitCode = await runReview(args as ReviewArgs);
      },
    )
    .command(
      'reply [inputs..]',
      'write the reply mails a reviewer would send (drafts; cptlint never sends mail)',
      (argv) =>
        commonOptions(argv)
          .option('output', { alias: 'o', type: 'string', describe: 'write the drafts to this file (an mbox when there are several)' })
          .option('outdir', { type: 'string', describe: 'write one .eml file per draft into this directory' })
          .option('from', { type: 'string', describe: 'your address (default: git config user.name and user.email)' })
          .option('signature', { type: 'string', describe: 'the name you sign with (default: the From name)' })
          .option('all', { type: 'boolean', describe: 'also draft a short reply to patches without findings' })
          .option('force', { type: 'boolean', describe: 'overwrite draft files that exist (default: keep them and say so)' })
          .conflicts('output', 'outdir'),
      async (args) => {
        exitCode = await runReply(args as ReplyArgs);
      },
    )
    .command('rules', 'list the rules', {}, () => {
      process.stdout.write(renderRuleList(allRules.map((rule) => rule.meta)));
    })
    .command(
      'explain <rule>',
      "print a rule's documentation",
      (argv) => argv.positional('rule', { type: 'string', demandOption: true }),
      (args) => {
        const rule = ruleById(String(args.rule));
        if (!rule) throw new UsageError(`unknown rule ${String(args.rule)} (cptlint rules lists them)`);
        process.stdout.write(renderExplain(rule.meta));
      },
    )
    .command(
      'hook <action>',
      'install or uninstall the git pre-commit hook',
      (argv) =>
        argv
          .positional('action', { choices: ['install', 'uninstall'] as const, demandOption: true })
          .option('force', { type: 'boolean', describe: 'replace a pre-commit hook cptlint did not write' }),
      async (args) => {
        exitCode = await runHook(args.action, Boolean(args.force));
      },
    )
    .help()
    .alias('help', 'h')
    .parseAsync();
  return exitCode;
}

// A reader that goes away (`cptlint big.mbox | head`) is not an error worth a word.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`cptlint: ${escapeControls(message.split('\n')[0])}\n`);
    if (!(error instanceof UsageError) && !/^(Unknown|Missing|Not enough|Invalid|Arguments)/.test(message)) {
      process.stderr.write('cptlint: this looks like a bug in cptlint; please report it with the input that caused it\n');
    }
    process.exitCode = blockingFindingReported ? EXIT.findingsAndUnreadable : EXIT.unreadable;
  },
);
