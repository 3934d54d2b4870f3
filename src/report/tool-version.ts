/**
 * cptlint's own version, read from its package.json: the nearest one above this module
 * (src/report in a checkout, dist/src/report once built) whose name is "cptlint".
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TOOL_NAME = 'cptlint';

let cachedVersion: string | null = null;

function readVersionAbove(directory: string): string {
  for (let current = directory; ; current = dirname(current)) {
    const candidate = join(current, 'package.json');
    if (existsSync(candidate)) {
      const manifest = JSON.parse(readFileSync(candidate, 'utf8')) as { name?: unknown; version?: unknown };
      if (manifest.name === TOOL_NAME && typeof manifest.version === 'string') return manifest.version;
    }
    if (dirname(current) === current) return 'unknown';
  }
}

export function toolVersion(): string {
  cachedVersion ??= readVersionAbove(dirname(fileURLToPath(import.meta.url)));
  return cachedVersion;
}
