/** The user's own address, for the From of reply drafts: git config user.name and user.email. */
import { outputText, runGit } from './run-git.js';

export async function gitUserAddress(cwd: string): Promise<string | null> {
  const name = await runGit(['config', 'user.name'], { cwd });
  const email = await runGit(['config', 'user.email'], { cwd });
  if (email.status !== 0 || !outputText(email)) return null;
  const display = name.status === 0 ? outputText(name) : '';
  return display ? `${display} <${outputText(email)}>` : outputText(email);
}
