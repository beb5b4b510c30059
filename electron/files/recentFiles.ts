import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomicWrite';

export const MAX_RECENT_FILES = 10;

/** Most recent first, no duplicates, bounded. */
export function pushRecent(list: readonly string[], path: string): string[] {
  const absolute = resolve(path);
  return [absolute, ...list.filter((p) => p !== absolute)].slice(0, MAX_RECENT_FILES);
}

const RecentList = z.array(z.string().min(1).max(4096)).max(MAX_RECENT_FILES);

export async function loadRecentFiles(dir: string): Promise<string[]> {
  try {
    const parsed = RecentList.safeParse(JSON.parse(await fs.readFile(join(dir, 'recent-files.json'), 'utf8')));
    return parsed.success ? parsed.data : [];
  } catch {
    return [];
  }
}

export async function saveRecentFiles(dir: string, list: readonly string[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(join(dir, 'recent-files.json'), JSON.stringify(list));
}
