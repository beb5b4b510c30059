import type { z } from 'zod';
import { Design, DESIGN_FORMAT, DESIGN_VERSION, MAX_EDGES, MAX_NODES } from './design';
import type { Diagnostic } from './diagnostics';
import { migrate } from './migrations';
import { jsonErrorOffset, lineAndColumn } from './jsonErrorOffset';

/** Larger files are refused before parsing: a design of MAX_NODES nodes is about 10 MB. */
export const MAX_DESIGN_BYTES = 50 * 1024 * 1024;

export type ParseResult = { ok: true; design: Design } | { ok: false; diagnostics: Diagnostic[] };

const fail = (diagnostics: Diagnostic[]): ParseResult => ({ ok: false, diagnostics });
const schemaError = (message: string, path = ''): Diagnostic => ({ code: 'schema', severity: 'error', path, message });

/** JSON path as people read it: `nodes[3].params.units`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function issueToDiagnostic(issue: z.core.$ZodIssue, raw: unknown): Diagnostic {
  const path = formatPath(issue.path);
  let message = issue.message;
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'type') {
    const bad = issue.path.reduce<unknown>((v, k) => (isRecord(v) || Array.isArray(v) ? (v as Record<string, unknown>)[String(k)] : undefined), raw);
    message = `unknown layer type ${JSON.stringify(bad)}; known types: ${(issue as { options?: unknown[] }).options?.join(', ') ?? ''}`;
  } else if (issue.code === 'unrecognized_keys') {
    message = `unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  const nodeIndex = issue.path[0] === 'nodes' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
  const nodes = isRecord(raw) && Array.isArray(raw.nodes) ? raw.nodes : [];
  const node: unknown = nodeIndex === undefined ? undefined : nodes[nodeIndex];
  const nodeId = isRecord(node) && typeof node.id === 'string' ? node.id : undefined;
  return { code: 'schema', severity: 'error', path, nodeId, message: `${path || 'document'}: ${message}` };
}

/** Ids must be unique and every reference must resolve, or nothing downstream can trust the graph. */
export function checkReferences(design: Design): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const nodeIds = new Set<string>();
  design.nodes.forEach((n, i) => {
    if (nodeIds.has(n.id))
      diagnostics.push({ code: 'duplicate-id', severity: 'error', nodeId: n.id, path: `nodes[${i}].id`, message: `node id "${n.id}" is used more than once` });
    nodeIds.add(n.id);
  });
  const edgeIds = new Set<string>();
  design.edges.forEach((e, i) => {
    if (edgeIds.has(e.id))
      diagnostics.push({ code: 'duplicate-id', severity: 'error', edgeId: e.id, path: `edges[${i}].id`, message: `edge id "${e.id}" is used more than once` });
    edgeIds.add(e.id);
    for (const end of ['source', 'target'] as const) {
      if (!nodeIds.has(e[end])) {
        diagnostics.push({
          code: 'missing-node',
          severity: 'error',
          edgeId: e.id,
          path: `edges[${i}].${end}`,
          message: `edge "${e.id}" ${end} "${e[end]}" is not a node in this design`,
        });
      }
    }
  });
  const grouped = new Map<string, string>();
  design.groups.forEach((g, i) => {
    if (nodeIds.has(g.id) || edgeIds.has(g.id))
      diagnostics.push({
        code: 'duplicate-id',
        severity: 'error',
        groupId: g.id,
        path: `groups[${i}].id`,
        message: `group id "${g.id}" is also used by a node or edge`,
      });
    g.nodeIds.forEach((id, j) => {
      if (!nodeIds.has(id))
        diagnostics.push({
          code: 'missing-node',
          severity: 'error',
          groupId: g.id,
          path: `groups[${i}].nodeIds[${j}]`,
          message: `group "${g.id}" lists "${id}", which is not a node in this design`,
        });
      const other = grouped.get(id);
      if (other !== undefined)
        diagnostics.push({
          code: 'group',
          severity: 'error',
          groupId: g.id,
          nodeId: id,
          path: `groups[${i}].nodeIds[${j}]`,
          message: `node "${id}" is in both group "${other}" and group "${g.id}"`,
        });
      grouped.set(id, g.id);
    });
  });
  return diagnostics;
}

/** Parses an already-decoded JSON value (a file's content, an IPC payload, an import). */
export function parseDesignValue(raw: unknown): ParseResult {
  if (!isRecord(raw)) return fail([schemaError('a design file holds a JSON object')]);
  if (raw.format !== DESIGN_FORMAT) {
    return fail([schemaError(`not a ResCanvas design: "format" is ${JSON.stringify(raw.format) ?? 'missing'}, expected "${DESIGN_FORMAT}"`, 'format')]);
  }
  if (typeof raw.version !== 'number' || !Number.isInteger(raw.version) || raw.version < 0) {
    return fail([schemaError(`"version" must be a whole number, got ${JSON.stringify(raw.version) ?? 'nothing'}`, 'version')]);
  }
  if (raw.version > DESIGN_VERSION) {
    return fail([
      schemaError(`this design was written by a newer ResCanvas (format version ${raw.version}; this one reads up to ${DESIGN_VERSION})`, 'version'),
    ]);
  }
  // Refuse huge arrays before the schema walks every element.
  for (const [key, max] of [
    ['nodes', MAX_NODES],
    ['edges', MAX_EDGES],
  ] as const) {
    const list = raw[key];
    if (Array.isArray(list) && list.length > max) {
      return fail([{ code: 'too-large', severity: 'error', path: key, message: `${key}: ${list.length} entries; a design holds at most ${max}` }]);
    }
  }
  let migrated: Record<string, unknown>;
  try {
    migrated = migrate(raw, raw.version);
  } catch (error) {
    return fail([schemaError(error instanceof Error ? error.message : String(error), 'version')]);
  }
  const parsed = Design.safeParse(migrated);
  if (!parsed.success) return fail(parsed.error.issues.slice(0, 50).map((i) => issueToDiagnostic(i, migrated)));
  const refs = checkReferences(parsed.data);
  return refs.length ? fail(refs) : { ok: true, design: parsed.data };
}

/** Parses the text of a design file: never throws, names the place of every problem. */
export function parseDesignText(text: string): ParseResult {
  if (text.length > MAX_DESIGN_BYTES) {
    return fail([
      {
        code: 'too-large',
        severity: 'error',
        message: `file is ${(text.length / 1048576).toFixed(1)} MB; designs are at most ${MAX_DESIGN_BYTES / 1048576} MB`,
      },
    ]);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const offset = jsonErrorOffset(text);
    const where = offset >= 0 ? lineAndColumn(text, offset) : null;
    const at = where ? ` at line ${where.line}, column ${where.column}` : '';
    const reason = offset >= text.length ? 'the text ends too early (truncated?)' : detail;
    return fail([
      { code: 'json', severity: 'error', path: where ? `line ${where.line}, column ${where.column}` : undefined, message: `not valid JSON${at}: ${reason}` },
    ]);
  }
  return parseDesignValue(raw);
}

export function serializeDesign(design: Design): string {
  return `${JSON.stringify(design, null, 2)}\n`;
}
