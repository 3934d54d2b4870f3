/**
 * The diff `git apply` gets for a patch: the mail's own diff text when the reader kept it,
 * else one rebuilt from the parsed hunks (enough for a plain apply; without the index lines
 * a three-way apply needs, and without binary files).
 */
import type { FileChange, Hunk, Patch } from '../model/types.js';
import { pushAll } from '../model/push-all.js';

export function patchDiffText(patch: Patch): string {
  if (patch.diffText !== undefined && patch.diffText.trim() !== '') return withFinalNewline(patch.diffText);
  return patch.files.map(fileDiffText).join('');
}

function fileDiffText(file: FileChange): string {
  if (file.status === 'binary') return '';
  const oldPath = file.oldPath ?? file.path;
  const lines = [`diff --git a/${oldPath} b/${file.path}`];
  if (file.status === 'added') lines.push('new file mode 100644');
  if (file.status === 'deleted') lines.push('deleted file mode 100644');
  if (file.status === 'renamed') lines.push(`rename from ${oldPath}`, `rename to ${file.path}`);
  if (file.hunks.length > 0) {
    lines.push(file.status === 'added' ? '--- /dev/null' : `--- a/${oldPath}`);
    lines.push(file.status === 'deleted' ? '+++ /dev/null' : `+++ b/${file.path}`);
    for (const hunk of file.hunks) pushAll(lines, hunkLines(hunk));
  }
  return `${lines.join('\n')}\n`;
}

function hunkLines(hunk: Hunk): string[] {
  const lines = [hunk.header];
  for (const line of hunk.lines) {
    lines.push(`${line.kind === 'added' ? '+' : line.kind === 'removed' ? '-' : ' '}${line.text}`);
    if (line.noNewlineAtEnd) lines.push('\\ No newline at end of file');
  }
  return lines;
}

function withFinalNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
