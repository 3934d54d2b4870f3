#!/usr/bin/env node
/**
 * The `cptlint` command's entry. `cptlint --version` is answered here, before anything else
 * loads (a few milliseconds over node's own start); everything else loads the command line
 * (cli-main.ts), which imports the library and, for most commands, yargs.
 *
 * Exit codes and the commands are described in cli-main.ts and README.md.
 */
import { toolVersion } from './report/tool-version.js';

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === '--version') {
  process.stdout.write(`${toolVersion()}\n`);
} else {
  await import('./cli-main.js');
}
