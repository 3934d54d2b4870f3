/**
 * Which headers a kernel source file includes, and where kbuild would find them: a quoted
 * name next to the file first, then, like an angle-bracket name, in the include paths kbuild
 * passes (-I arch/$(SRCARCH)/include, include, and their uapi/ directories). The arch is
 * the one of the file's path (arch/arm64/...), x86 for files outside arch/.
 */
import { posix } from 'node:path';

export interface IncludeDirective {
  /** The name between the quotes or the angle brackets: "linux/module.h". */
  name: string;
  /** #include "x.h" (searched next to the file first). */
  quoted: boolean;
}

const INCLUDE = /^[ \t]*#[ \t]*include[ \t]*(?:"([^"\n]+)"|<([^>\n]+)>)/gm;

export function includeDirectives(text: string): IncludeDirective[] {
  const directives: IncludeDirective[] = [];
  for (const match of text.matchAll(INCLUDE)) {
    const quotedName = match[1];
    directives.push(quotedName !== undefined ? { name: quotedName, quoted: true } : { name: match[2], quoted: false });
  }
  return directives;
}

/** "arch/arm64/kernel/entry.S" -> "arm64"; a path outside arch/ -> "x86". */
export function archOfPath(path: string): string {
  const match = /^arch\/([^/]+)\//.exec(path);
  return match ? match[1] : 'x86';
}

/** Tree paths to try for a directive of the file at `path`, in kbuild's search order. */
export function includeCandidates(path: string, directive: IncludeDirective): string[] {
  const arch = archOfPath(path);
  const searchDirs = [`arch/${arch}/include`, 'include', `arch/${arch}/include/uapi`, 'include/uapi'];
  const candidates = [
    ...(directive.quoted ? [posix.join(posix.dirname(path), directive.name)] : []),
    ...searchDirs.map((dir) => posix.join(dir, directive.name)),
  ];
  return [...new Set(candidates.map((candidate) => posix.normalize(candidate)))].filter(
    (candidate) => !candidate.startsWith('../') && !posix.isAbsolute(candidate),
  );
}
