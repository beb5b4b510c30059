/**
 * Messages between the page and the design worker (openWorker.ts), checked with zod on both sides.
 * The design inside a message was checked node by node in the worker against the design schema;
 * here only its envelope is checked, since re-checking 50,000 nodes on the page is the very work
 * the worker exists to take off it.
 */
import { z } from 'zod';
import type { ResidualBlock } from '../../src/graph/blocks';
import type { Diagnostic as DiagnosticType, DiagnosticCode, QuickFix } from '../../src/graph/diagnostics';

export const OPEN_STAGES = [
  'Reading the file',
  'Parsing JSON',
  'Checking the design',
  'Inferring shapes',
  'Receiving the design',
  'Drawing the canvas',
] as const;
export type OpenStage = (typeof OPEN_STAGES)[number];

const Stage = z.enum(OPEN_STAGES);

/** A list sent as indexes into the worker's previous copy (unchanged items; runs as [start, count]) or as new items. */
const Index = z.number().int().nonnegative();
const Patched = z.array(z.union([Index, z.tuple([Index, Index]), z.record(z.string(), z.unknown())])).nullable();

export const DesignWorkerRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('open'), id: z.number().int(), name: z.string().max(1000), bytes: z.instanceof(ArrayBuffer) }),
  z.object({
    type: z.literal('validate'),
    id: z.number().int(),
    /** Everything but nodes, edges and runs. */
    rest: z.record(z.string(), z.unknown()),
    nodes: Patched,
    edges: Patched,
  }),
  /** Residual blocks of the design after an edit, from a patch like 'validate'. */
  z.object({
    type: z.literal('blocks'),
    id: z.number().int(),
    rest: z.record(z.string(), z.unknown()),
    nodes: Patched,
    edges: Patched,
  }),
  /**
   * Writes the recovery entry (the design from a patch like 'validate', plus the entry's own fields)
   * to the page's IndexedDB store under `key`, so the page neither stringifies nor stores 36 MB.
   */
  z.object({
    type: z.literal('saveRecovery'),
    id: z.number().int(),
    rest: z.record(z.string(), z.unknown()),
    nodes: Patched,
    edges: Patched,
    entry: z.object({ name: z.string(), savedAt: z.string() }),
    key: z.string(),
  }),
  /** The recovery entry's JSON text, from a patch like 'validate' plus the entry's own fields. */
  z.object({
    type: z.literal('serialize'),
    id: z.number().int(),
    rest: z.record(z.string(), z.unknown()),
    nodes: Patched,
    edges: Patched,
    entry: z.object({ name: z.string(), savedAt: z.string() }),
  }),
]);
export type DesignWorkerRequest = z.infer<typeof DesignWorkerRequest>;

const Code: z.ZodType<DiagnosticCode> = z.enum([
  'schema',
  'json',
  'too-large',
  'duplicate-id',
  'missing-node',
  'cycle',
  'no-input',
  'no-output',
  'unreachable',
  'dangling',
  'arity',
  'rank',
  'shape-mismatch',
  'concat-mismatch',
  'param',
  'group',
  'memory',
]);
const Fix: z.ZodType<QuickFix> = z.union([
  z.object({ kind: z.literal('insert-flatten'), edgeId: z.string() }),
  z.object({ kind: z.literal('insert-projection'), addNodeId: z.string(), edgeId: z.string() }),
]);
const Diagnostic: z.ZodType<DiagnosticType> = z.object({
  code: Code,
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  path: z.string().optional(),
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  groupId: z.string().optional(),
  fix: Fix.optional(),
});
const Block: z.ZodType<ResidualBlock> = z.object({
  id: z.string(),
  name: z.string(),
  fork: z.string(),
  merge: z.string(),
  exit: z.string(),
  members: z.array(z.string()),
  shortcut: z.array(z.string()),
  branch: z.array(z.string()),
  shortcutEdge: z.string(),
  branchEdge: z.string(),
  kind: z.enum(['identity', 'projection']),
  parent: z.string().nullable(),
  groupId: z.string().nullable(),
  repeat: z.number().int(),
  description: z.string(),
  signature: z.string(),
});
const Facts = z.object({ shape: z.string().nullable(), paramCount: z.number().nullable(), problem: Diagnostic.nullable() });
const Summary = z.object({ valid: z.boolean(), diagnostics: z.array(Diagnostic) });
const Record = z.record(z.string(), z.unknown());

export const DesignWorkerResponse = z.discriminatedUnion('type', [
  z.object({ type: z.literal('progress'), id: z.number().int(), stage: Stage }),
  /** One slice of the opened design or of its validation; the page assembles them in order. */
  z.object({ type: z.literal('nodes'), id: z.number().int(), items: z.array(Record), total: z.number().int() }),
  z.object({ type: z.literal('edges'), id: z.number().int(), items: z.array(Record), total: z.number().int() }),
  z.object({ type: z.literal('facts'), id: z.number().int(), items: z.array(z.tuple([z.string(), Facts])) }),
  z.object({ type: z.literal('blocks'), id: z.number().int(), items: z.array(Block) }),
  z.object({ type: z.literal('edgeLabels'), id: z.number().int(), items: z.array(z.tuple([z.string(), z.string()])) }),
  z.object({
    type: z.literal('opened'),
    id: z.number().int(),
    rest: Record.refine((r) => r.format === 'rescanvas.design', 'not a design'),
    result: Summary,
  }),
  z.object({ type: z.literal('refused'), id: z.number().int(), message: z.string() }),
  z.object({
    type: z.literal('validated'),
    id: z.number().int(),
    result: Summary,
    facts: z.array(z.tuple([z.string(), Facts])),
    removedFacts: z.array(z.string()),
    edgeLabels: z.array(z.tuple([z.string(), z.string()])),
    removedEdgeLabels: z.array(z.string()),
  }),
  z.object({ type: z.literal('serialized'), id: z.number().int(), text: z.string() }),
  /** Blocks in detection order by id; only those new or different since the last answer are sent whole. */
  z.object({ type: z.literal('blocksDetected'), id: z.number().int(), order: z.array(z.string()), changed: z.array(Block) }),
  z.object({ type: z.literal('recoverySaved'), id: z.number().int() }),
  z.object({ type: z.literal('failed'), id: z.number().int(), message: z.string() }),
]);
export type DesignWorkerResponse = z.infer<typeof DesignWorkerResponse>;
