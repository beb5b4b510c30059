/** Problems are data: the CLI prints them, the canvas marks nodes with them, tests assert on code and nodeId. */
export type DiagnosticCode =
  | 'schema'
  | 'json'
  | 'too-large'
  | 'duplicate-id'
  | 'missing-node'
  | 'cycle'
  | 'no-input'
  | 'no-output'
  | 'unreachable'
  | 'dangling'
  | 'arity'
  | 'rank'
  | 'shape-mismatch'
  | 'concat-mismatch'
  | 'param'
  | 'group'
  | 'memory';

export type QuickFix = { kind: 'insert-flatten'; edgeId: string } | { kind: 'insert-projection'; addNodeId: string; edgeId: string };

export interface Diagnostic {
  code: DiagnosticCode;
  severity: 'error' | 'warning';
  /** Where, in the design. */
  nodeId?: string;
  edgeId?: string;
  groupId?: string;
  /** Where, in the file (JSON path such as `nodes[3].params.units`), for schema errors. */
  path?: string;
  /** A sentence a user understands; names the shapes or the bad value. */
  message: string;
  fix?: QuickFix;
}

export function errorsOnly(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.severity === 'error');
}

export function formatDiagnostic(d: Diagnostic): string {
  const where = d.nodeId ? `node ${d.nodeId}` : d.edgeId ? `edge ${d.edgeId}` : d.groupId ? `group ${d.groupId}` : (d.path ?? '');
  return `${d.severity} [${d.code}]${where ? ` ${where}` : ''}: ${d.message}`;
}
