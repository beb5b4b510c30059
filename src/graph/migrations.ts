import { DESIGN_VERSION } from './design';

type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/**
 * MIGRATIONS[v] turns a version-v document into version v+1. Version 1 is the first released format,
 * so the table is empty; a format change adds one entry here and bumps DESIGN_VERSION.
 */
export const MIGRATIONS: Record<number, Migration> = {};

export function migrate(
  doc: Record<string, unknown>,
  fromVersion: number,
  table: Record<number, Migration> = MIGRATIONS,
  toVersion = DESIGN_VERSION,
): Record<string, unknown> {
  let current = doc;
  for (let v = fromVersion; v < toVersion; v++) {
    const step = table[v];
    if (!step) throw new MigrationError(`no migration from design format version ${v} to ${v + 1}`);
    current = { ...step(current), version: v + 1 };
  }
  return current;
}

export class MigrationError extends Error {}
