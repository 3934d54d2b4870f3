/**
 * The structures the kernel's shared headers define (`struct fs_context {` in
 * include/linux/fs_context.h): objects of core code that a driver is handed, and whose owner's
 * contract says who drops what their fields hold (put_fs_context() puts fc->root). Read as
 * text, no parse: a definition is `struct NAME {` (or `typedef struct NAME {`) at the start of
 * a line, the brace possibly on the next one, outside comments.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreStructsFile } from '../kernel-facts.js';

/** Bump when what is read changes: the data file records it. */
export const CORE_STRUCTS_VERSION = 'core-structs-1';

/**
 * The shared headers' folders under include/ (with their subfolders): not uapi/ (user-space
 * ABI), asm-generic/ or dt-bindings/, nor arch/ and drivers/ headers, which belong to a port
 * or a driver.
 */
export const CORE_HEADER_FOLDERS = ['linux', 'net', 'sound', 'drm', 'media', 'scsi', 'rdma', 'video', 'crypto', 'keys', 'acpi', 'clocksource', 'soc', 'xen'] as const;

const DEFINITION = /^[ \t]*(?:typedef[ \t]+)?struct[ \t]+([A-Za-z_]\w*)[ \t]*\n?[ \t]*\{/gm;

/** The comments of a C text blanked (strings are not looked at: a header's `/*` in a string is rare enough). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}

/** The tags of the structures a header's text defines, in order of appearance. */
export function structTagsIn(text: string): string[] {
  return [...withoutComments(text).matchAll(DEFINITION)].map((match) => match[1]);
}

function headersUnder(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...headersUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.h')) found.push(full);
  }
  return found;
}

/** The file's content for the tree at `root`: every tag once, sorted in code-unit order (kernel-facts.ts searches the text). */
export function coreStructsFile(root: string, kernel: string): { file: CoreStructsFile; headers: number } {
  const tags = new Set<string>();
  let headers = 0;
  for (const folder of CORE_HEADER_FOLDERS) {
    for (const header of headersUnder(join(root, 'include', folder))) {
      headers += 1;
      for (const tag of structTagsIn(readFileSync(header, 'latin1'))) tags.add(tag);
    }
  }
  return {
    file: {
      format: 1,
      generator: CORE_STRUCTS_VERSION,
      command: 'npm run facts:core-structs -- KERNEL_TREE',
      kernel,
      folders: CORE_HEADER_FOLDERS.map((folder) => `include/${folder}`),
      structs: [...tags].sort().join(' '),
    },
    headers,
  };
}
