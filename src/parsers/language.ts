/**
 * Which parser a changed file goes to, by its name: C sources and headers to tree-sitter-c,
 * assembler sources to the GAS parser, everything else to none.
 */
import type { FileLanguage } from '../model/types.js';

export function languageOfPath(path: string): FileLanguage {
  const baseName = path.slice(path.lastIndexOf('/') + 1);
  // Linker scripts are preprocessed like .S files but hold no instructions.
  if (baseName.endsWith('.lds.S')) return 'other';
  if (baseName.endsWith('.c') || baseName.endsWith('.h')) return 'c';
  if (baseName.endsWith('.S') || baseName.endsWith('.s')) return 'asm';
  return 'other';
}
