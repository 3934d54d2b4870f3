/**
 * The pre-commit hook cptlint installs: a POSIX sh script that reviews the staged change
 * with the cptlint that installed it (absolute paths of node and of its cli.js, so that it
 * runs from a shell, an IDE or a GUI where cptlint is not on PATH).
 *
 * Exit policy: cptlint's 0 lets the commit through, 1 (a finding reaches the fail level)
 * and 3 (one does, and some input could not be read or reviewed) refuse it: a finding at the
 * fail level blocks whatever else happened. Anything else means cptlint itself failed or
 * reviewed nothing that blocks: the hook says so and lets the commit through, unless
 * .cptlintrc.json says "hook": { "blockOnCrash": true }.
 *
 * Node exits with status 1 on an uncaught exception too (a module that will not load, a bug),
 * which would read as "findings". So the hook does not run cli.js as a script: it imports it
 * from a small launcher that turns any crash into status 70 (EX_SOFTWARE).
 */

/** The line that marks a hook as cptlint's own: install replaces it, uninstall removes it. */
export const HOOK_MARKER = '# installed by cptlint';

export interface CptlintCommand {
  /** Absolute path of the node binary (process.execPath). */
  node: string;
  /** Absolute path of cptlint's dist/src/cli.js. */
  cli: string;
}

export function isCptlintHook(text: string): boolean {
  return text.split('\n').some((line) => line.trim() === HOOK_MARKER);
}

/** Quotes a value for sh: single quotes, with embedded single quotes closed and escaped. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Reads "hook": { "blockOnCrash": true } from the .cptlintrc.json nearest above the top
 * level (the hook runs there), with node when one is at hand, else by a plain text look.
 */
const BLOCK_ON_CRASH_CHECK = [
  'const fs = require("fs");',
  'try {',
  '  const config = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));',
  '  process.exit(config && config.hook && config.hook.blockOnCrash === true ? 0 : 1);',
  '} catch (error) {',
  '  process.exit(1);',
  '}',
].join(' ');

/**
 * Runs cli.js (argv: cli.js, then its arguments) as if node had been given it as the script,
 * and exits with 70 when it throws or rejects instead of returning an exit status.
 */
const LAUNCHER = [
  'import { pathToFileURL } from "node:url";',
  'const crashed = (error) => {',
  '  process.stderr.write(`${(error && error.stack) || error}\\n`);',
  '  process.exit(70);',
  '};',
  'process.on("uncaughtException", crashed);',
  'process.on("unhandledRejection", crashed);',
  'const [cli, ...args] = process.argv.slice(1);',
  'process.argv = [process.argv[0], cli, ...args];',
  'await import(pathToFileURL(cli).href).catch(crashed);',
].join('\n');

export function hookScript(command: CptlintCommand): string {
  return `#!/bin/sh
${HOOK_MARKER}
# This pre-commit hook reviews the staged change with cptlint before each commit.
# Skip it once with: git commit --no-verify
# Remove it with:    cptlint hook uninstall
CPTLINT_NODE=${shellQuote(command.node)}
CPTLINT_CLI=${shellQuote(command.cli)}

cptlint_config() {
	dir=$(pwd)
	while :; do
		if [ -f "$dir/.cptlintrc.json" ]; then
			printf '%s\\n' "$dir/.cptlintrc.json"
			return 0
		fi
		[ "$dir" = / ] && return 1
		dir=$(dirname "$dir")
	done
}

block_on_crash() {
	config=$(cptlint_config) || return 1
	node=$CPTLINT_NODE
	[ -x "$node" ] || node=$(command -v node) || node=
	if [ -n "$node" ]; then
		"$node" -e ${shellQuote(BLOCK_ON_CRASH_CHECK)} "$config"
		return $?
	fi
	tr -d ' \\t\\r\\n' < "$config" | grep -q '"blockOnCrash":true'
}

cptlint_broken() {
	echo "cptlint pre-commit hook: $1" >&2
	if block_on_crash; then
		echo "cptlint pre-commit hook: commit refused (\\"hook\\": {\\"blockOnCrash\\": true} in .cptlintrc.json)." >&2
		echo "cptlint pre-commit hook: skip the check with: git commit --no-verify" >&2
		exit 1
	fi
	echo "cptlint pre-commit hook: the change was not reviewed; the commit goes ahead." >&2
	exit 0
}

if [ ! -x "$CPTLINT_NODE" ] || [ ! -f "$CPTLINT_CLI" ]; then
	cptlint_broken "cannot run cptlint: $CPTLINT_NODE $CPTLINT_CLI is gone (reinstall with: cptlint hook install --force)"
fi

"$CPTLINT_NODE" --input-type=module -e ${shellQuote(LAUNCHER)} "$CPTLINT_CLI" --staged --format pretty --quiet
status=$?
case $status in
0)
	exit 0
	;;
1)
	echo "" >&2
	echo "cptlint: commit refused: the findings above reach the fail level." >&2
	echo "cptlint: fix them, or skip this check once with: git commit --no-verify" >&2
	exit 1
	;;
3)
	echo "" >&2
	echo "cptlint: commit refused: the findings above reach the fail level (and some of the change could not be reviewed, see above)." >&2
	echo "cptlint: fix them, or skip this check once with: git commit --no-verify" >&2
	exit 1
	;;
*)
	cptlint_broken "cptlint failed (exit status $status)"
	;;
esac
`;
}
