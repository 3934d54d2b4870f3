/**
 * Mining a kernel tree: every .c and .h parsed with tree-sitter-c (the raw file text, no
 * patch machinery), read by extract.ts, resolved by resolve.ts into the facts file's layout.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { initTreeSitter, parseC } from '../../parsers/treesitter.js';
import { extractFile, type FileFacts } from './extract.js';
import { resolveConventions, resolveIntegers, resolveNoreturn, resolvePairs } from './resolve.js';
import type { IntegerFactsFile, KernelFactsFile, PointerConvention } from '../kernel-facts.js';

/** Bump when the mining changes what it finds: the data file records it. */
export const GENERATOR_VERSION = 'facts-4';

/** Files too large to be anything but register tables (amdgpu's asic_reg headers): no functions to learn from. */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Not kernel code: user-space tools and their copies of kernel headers, build scripts, samples, docs. */
const SKIPPED_TOP_FOLDERS = new Set(['tools', 'scripts', 'samples', 'Documentation', 'usr']);

/**
 * Annotation macros that tree-sitter-c cannot read without their definitions
 * (`static __always_inline __alloc_size(1) void *kmalloc(...)`, `__printf(1, 2) void panic(...)`,
 * `void __iomem *devm_ioremap_resource(...)`): blanked with spaces before parsing, so that
 * offsets stay. `__noreturn` stays (it is read), `__always_inline` becomes `inline`.
 */
const ANNOTATION_CALLS = /\b(?:__printf|__scanf|__alloc_size|__realloc_size|__acquires|__releases|__must_hold|__cond_lock|__section|__aligned|__diag_ignore|__no_sanitize_or_inline)\s*\((?:[^()]|\([^()]*\))*\)/g;
const ANNOTATION_WORDS =
  /\b(?:__iomem|__user|__rcu|__percpu|__force|__must_check|__malloc|__cold|__hot|__init|__exit|__ref|__refdata|__initdata|__weak|noinline|__noinline|__sched|notrace|asmlinkage|__visible|__latent_entropy|__kprobes|__meminit|__init_or_module|__net_init|__net_exit|__maybe_unused|__used|__flatten|__pure|__attribute_const__|noinstr|__always_unused|__nocfi|__noclone|__fastcall|__irq_entry|__kernel|__bitwise|__safe)\b/g;

export function blankAnnotations(text: string): string {
  return text
    .replace(ANNOTATION_CALLS, (found) => found.replace(/[^\n]/g, ' '))
    .replace(ANNOTATION_WORDS, (found) => ' '.repeat(found.length))
    .replace(/\b__always_inline\b/g, 'inline         ');
}

function sourceFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (directory: string): void => {
    for (const entry of readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || (directory === root && SKIPPED_TOP_FOLDERS.has(entry.name))) continue;
      const full = join(directory, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.[ch]$/.test(entry.name)) found.push(full);
    }
  };
  walk(root);
  return found;
}

export function kernelRelease(root: string): string {
  const makefile = readFileSync(join(root, 'Makefile'), 'utf8');
  const field = (name: string): string => new RegExp(`^${name}[ \\t]*=[ \\t]*(\\S*)`, 'm').exec(makefile)?.[1] ?? '';
  return `${field('VERSION')}.${field('PATCHLEVEL')}.${field('SUBLEVEL')}${field('EXTRAVERSION')}`;
}

export async function mineTree(root: string, progress: (done: number, total: number) => void = () => {}): Promise<FileFacts[]> {
  await initTreeSitter();
  const files = sourceFiles(root);
  const facts: FileFacts[] = [];
  files.forEach((full, index) => {
    if (index % 2000 === 0) progress(index, files.length);
    if (lstatSync(full).size > MAX_FILE_BYTES) return;
    const original = readFileSync(full, 'latin1');
    const text = blankAnnotations(original);
    let tree;
    try {
      tree = parseC(text, 20000);
    } catch {
      return;
    }
    try {
      facts.push(extractFile(tree.rootNode, relative(root, full), original));
    } finally {
      tree.delete();
    }
  });
  return facts;
}

export function factsFile(files: FileFacts[], kernel: string): KernelFactsFile {
  const conventions = resolveConventions(files);
  const grouped: Record<PointerConvention, string[]> = { err: [], null: [], both: [], ok: [] };
  for (const [name, convention] of conventions) grouped[convention].push(name);
  // Sorted in code-unit order (the default sort): kernel-facts.ts looks names up by binary search on this text.
  const join = (names: Iterable<string>): string => [...names].sort().join(' ');
  const noreturn = resolveNoreturn(files);
  return {
    format: 1,
    generator: GENERATOR_VERSION,
    kernel,
    pointer: { err: join(grouped.err), null: join(grouped.null), both: join(grouped.both), ok: join(grouped.ok) },
    noreturn: { declared: join(noreturn.declared), derived: join(noreturn.derived) },

    pairs: resolvePairs(files).map((pair) => [pair.acquire, pair.release, pair.carrier === 'return' ? 'r' : pair.carrier, pair.releaseArg, pair.evidence]),
  };
}

/** The integer conventions' file (data/kernel-facts-integer.json). */
export function integerFactsFile(files: FileFacts[], kernel: string): IntegerFactsFile {
  const integers = resolveIntegers(files);
  const join = (names: Iterable<string>): string => [...names].sort().join(' ');
  return { format: 1, generator: GENERATOR_VERSION, kernel, integer: { errno: join(integers.errno), bool: join(integers.bool) } };
}
