/**
 * Finds the git repository around a directory, as git itself does (`git rev-parse
 * --show-toplevel`), and says so as an InputError when there is none.
 */
import { existsSync, statSync } from 'node:fs';
import type { InputError } from '../model/types.js';
import { gitInputError, outputText, runGit } from './run-git.js';

export interface Repository {
  /** Absolute path of the working tree's top level. */
  toplevel: string;
}

export async function findRepository(cwd: string, source: string, env?: NodeJS.ProcessEnv): Promise<Repository | InputError> {
  if (!existsSync(cwd) || !statSync(cwd).isDirectory()) {
    return { source, line: 0, message: `${cwd} is not a directory` };
  }
  const result = await runGit(['rev-parse', '--show-toplevel'], { cwd, env });
  if (result.status !== 0) return gitInputError(source, `${cwd} is not inside a git working tree`, result);
  const toplevel = outputText(result);
  if (toplevel === '') return { source, line: 0, message: `${cwd} is inside a bare repository: there is no working tree` };
  return { toplevel };
}

export function isInputError(value: unknown): value is InputError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as InputError).message === 'string' &&
    typeof (value as InputError).source === 'string' &&
    typeof (value as InputError).line === 'number'
  );
}
