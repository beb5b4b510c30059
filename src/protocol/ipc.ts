/**
 * The desktop bridge: every IPC channel between the renderer and Electron's main process, with the
 * zod schema of what crosses it in each direction. Main validates requests, the renderer validates
 * replies; neither trusts the other's types. Environment-free so main, preload, renderer and tests
 * share one definition.
 */
import { z } from 'zod';
import { Design, MAX_NODES } from '../graph/design';
import { parseDesignValue } from '../graph/parse';
import { MAX_RUN_LOG_BYTES } from './runLog';
import { MAX_IMAGES } from '../schema/datasetSpec';

export const MENU_COMMANDS = [
  'new',
  'open',
  'save',
  'save-as',
  'open-run-log',
  'export-tfjs',
  'export-keras',
  'export-design',
  'export-pytorch',
  'export-onnx',
  'undo',
  'redo',
  'delete',
  'select-all',
  'copy',
  'paste',
  'fit-view',
  'zoom-in',
  'zoom-out',
  'overlay-off',
  'overlay-forward',
  'overlay-backward',
  'train-start',
  'train-stop',
  'lessons',
  'examples',
  'about',
  'welcome',
] as const;
export const MenuCommand = z.enum(MENU_COMMANDS);
export type MenuCommand = z.infer<typeof MenuCommand>;

/**
 * Files are named to the renderer only by opaque handles that main hands out when the user picks a
 * file; a renderer that sends a path (`../../etc/passwd`) sends an unknown handle and reaches nothing.
 */
export const FileHandle = z.string().regex(/^file-[0-9a-f]{32}$/, 'not a file handle this app issued');

/** A display name or an export file name: one path segment, no separators, no `..`. */
export const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[/\\\0]/.test(n) && n !== '.' && n !== '..', 'a file name may not contain / or \\ or be . or ..');

const DisplayName = z.string().max(1024);

/** An export bundle holds a model's weights: allow more than a design, still bounded. */
export const MAX_EXPORT_BYTES = 512 * 1024 * 1024;
const ExportData = z.union([
  z.string().max(MAX_EXPORT_BYTES),
  z
    .custom<Uint8Array>((d) => d instanceof Uint8Array, 'expected text or bytes')
    .refine((d) => d.byteLength <= MAX_EXPORT_BYTES, `export files are at most ${MAX_EXPORT_BYTES} bytes`),
]);

export const ExportBundle = z.strictObject({
  suggestedName: FileName,
  files: z
    .array(z.strictObject({ name: FileName, data: ExportData }))
    .min(1)
    .max(64),
});

export const RecoveryEntry = z.strictObject({
  design: Design,
  name: DisplayName,
  savedAt: z.iso.datetime(),
});

/**
 * Reads a stored recovery entry, or null when it is unreadable. Both hosts store entries as JSON text;
 * the design goes through the file parser so older designs migrate as files do and recovery survives an upgrade.
 */
export function parseRecoveryText(text: string): z.infer<typeof RecoveryEntry> | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null || !('design' in raw)) return null;
  const design = parseDesignValue((raw as { design: unknown }).design);
  if (!design.ok) return null;
  const entry = RecoveryEntry.safeParse({ ...raw, design: design.design });
  return entry.success ? entry.data : null;
}

export const DocumentState = z.strictObject({ name: DisplayName, dirty: z.boolean() });

export const SaveRequest = z.strictObject({ design: Design, handle: FileHandle.nullable() });

const ErrorResult = z.strictObject({ status: z.literal('error'), message: z.string().max(10_000) });
const Cancelled = z.strictObject({ status: z.literal('cancelled') });

/**
 * The weights sidecar found beside an opened design (NAME.weights.json + .bin), already read and
 * checked by the host with src/import's reader, packed as float32 in the order of `specs`.
 */
export const OpenedWeights = z.strictObject({
  file: DisplayName,
  specs: z
    .array(z.strictObject({ name: z.string().min(1).max(512), shape: z.array(z.number().int().min(0)).max(8), dtype: z.literal('float32') }))
    .max(MAX_NODES * 4),
  data: z.custom<Uint8Array>((d) => d instanceof Uint8Array, 'expected bytes'),
});
export const OpenedDesign = z.strictObject({
  design: Design,
  name: DisplayName,
  handle: FileHandle.nullable(),
  weights: OpenedWeights.optional(),
  /** Why a sidecar beside the design was not used; the design itself opened. */
  weightsProblem: z.string().max(4000).optional(),
});
export const OpenResult = z.discriminatedUnion('status', [z.strictObject({ status: z.literal('opened'), file: OpenedDesign }), Cancelled, ErrorResult]);
export const SavedDesign = z.strictObject({ name: DisplayName, handle: z.string().max(1024) });
export const SaveResult = z.discriminatedUnion('status', [z.strictObject({ status: z.literal('saved'), file: SavedDesign }), Cancelled, ErrorResult]);

/** A run log's text, read whole by the host; the renderer parses it (src/protocol/runLogFile.ts). */
export const RunLogOpenResult = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('opened'), name: DisplayName, text: z.string().max(MAX_RUN_LOG_BYTES) }),
  Cancelled,
  ErrorResult,
]);

/**
 * An image folder main listed and read inside the chosen folder (links out of it refused): files
 * relative to it, at most MAX_IMAGE_FOLDER_BYTES_IN_APP in all (checked before reading).
 */
export const ImageFolderPickResult = z.discriminatedUnion('status', [
  z.strictObject({
    status: z.literal('picked'),
    name: DisplayName,
    files: z.array(z.strictObject({ path: z.string().min(1).max(4096), bytes: z.instanceof(Uint8Array) })).max(MAX_IMAGES),
    refused: z.array(z.string().max(5000)).max(MAX_IMAGES),
  }),
  Cancelled,
  ErrorResult,
]);

/** Request/reply channels (`ipcRenderer.invoke` ↔ `ipcMain.handle`). */
export const INVOKE_CHANNELS = {
  'design:open': { request: z.undefined(), reply: OpenResult },
  'runlog:open': { request: z.undefined(), reply: RunLogOpenResult },
  'images:pick': { request: z.undefined(), reply: ImageFolderPickResult },
  'design:save': { request: SaveRequest, reply: SaveResult },
  'design:export': { request: ExportBundle, reply: SaveResult },
  'recovery:write': { request: RecoveryEntry, reply: z.null() },
  'recovery:read': { request: z.undefined(), reply: RecoveryEntry.nullable() },
  'recovery:clear': { request: z.undefined(), reply: z.null() },
  'document:state': { request: DocumentState, reply: z.null() },
} as const;
export type InvokeChannel = keyof typeof INVOKE_CHANNELS;
export type InvokeRequest<C extends InvokeChannel> = z.infer<(typeof INVOKE_CHANNELS)[C]['request']>;
export type InvokeReply<C extends InvokeChannel> = z.infer<(typeof INVOKE_CHANNELS)[C]['reply']>;

/**
 * Every invoke reply travels in this envelope: Electron turns a thrown error into an opaque
 * "Error invoking remote method" string, so failures are returned as data instead.
 */
export const ReplyEnvelope = z.discriminatedUnion('ok', [
  z.strictObject({ ok: z.literal(true), value: z.unknown() }),
  z.strictObject({ ok: z.literal(false), error: z.string() }),
]);
export type ReplyEnvelope = z.infer<typeof ReplyEnvelope>;

/** Main → renderer events. */
export const EVENT_CHANNELS = {
  'menu:command': MenuCommand,
  /** A design opened outside the page: command line, double-click, Open Recent. */
  'design:external-open': OpenResult,
} as const;
export type EventChannel = keyof typeof EVENT_CHANNELS;

/**
 * What the engine host says about the engine process itself, beside the engine's own messages on
 * the same MessagePort. After `restarted` the engine is fresh: the UI re-sends what it needs.
 */
export const EngineHostStatus = z.discriminatedUnion('event', [
  z.strictObject({ event: z.literal('started') }),
  z.strictObject({ event: z.literal('crashed'), exitCode: z.number().int(), restarting: z.boolean(), message: z.string() }),
  /** `requested`: the user asked for a fresh engine (Restart engine), rather than a crash. */
  z.strictObject({ event: z.literal('restarted'), attempt: z.number().int(), requested: z.boolean().optional() }),
  z.strictObject({ event: z.literal('rejected'), direction: z.enum(['to-engine', 'from-engine']), message: z.string() }),
  z.strictObject({ event: z.literal('stopped') }),
]);
export type EngineHostStatus = z.infer<typeof EngineHostStatus>;

/** What the page may ask of the engine host itself on the engine port (beside engine messages). */
export const EngineHostCommand = z.strictObject({ kind: z.literal('host'), command: z.literal('restart') });
export type EngineHostCommand = z.infer<typeof EngineHostCommand>;

/** Every message on the engine port, main → renderer. The engine's own part is typed by its schema. */
export type EnginePortMessage<FromEngine> = { kind: 'engine'; message: FromEngine } | { kind: 'host'; status: EngineHostStatus };

/** `window.postMessage` tag the preload uses to hand the engine's MessagePort to the page. */
export const ENGINE_PORT_MESSAGE = 'rescanvas:engine-port';

/** What the preload exposes as `window.rescanvas`: one function per operation, replies unvalidated. */
export interface RescanvasBridge {
  readonly version: 1;
  openDesign(): Promise<unknown>;
  openRunLog(): Promise<unknown>;
  pickImageFolder(): Promise<unknown>;
  saveDesign(request: InvokeRequest<'design:save'>): Promise<unknown>;
  exportFiles(bundle: InvokeRequest<'design:export'>): Promise<unknown>;
  writeRecovery(entry: InvokeRequest<'recovery:write'>): Promise<unknown>;
  readRecovery(): Promise<unknown>;
  clearRecovery(): Promise<unknown>;
  setDocumentState(state: InvokeRequest<'document:state'>): Promise<unknown>;
  onMenuCommand(listener: (command: unknown) => void): () => void;
  onExternalOpen(listener: (result: unknown) => void): () => void;
  /** Asks for the engine's MessagePort; it arrives as a window message tagged ENGINE_PORT_MESSAGE. */
  requestEnginePort(): void;
  /** Where main placed the engine, unparsed (src/protocol/enginePlacement.ts); null when main said nothing. */
  readonly enginePlacement?: string | null;
}

/** Keeps messages readable: the first few issues, each with its path. */
export function describeZodError(error: z.ZodError, what: string): string {
  const issues = error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : 'value'}: ${i.message}`);
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `${what}: ${issues.join('; ')}${more}`;
}
