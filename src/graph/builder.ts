import { z } from 'zod';
import { Design, DESIGN_FORMAT, DESIGN_VERSION, DesignNode, type DesignInput } from './design';
import { checkReferences } from './parse';
import { formatDiagnostic } from './diagnostics';

type NodeInput = z.input<typeof DesignNode>;
type LayerTypeName = NodeInput['type'];
type ParamsOf<T extends LayerTypeName> = NonNullable<Extract<NodeInput, { type: T }>['params']>;

const ROW_HEIGHT = 90;
const COLUMN_WIDTH = 240;

/**
 * Writes designs in code: examples, lessons and tests. Positions follow a simple column layout
 * (the canvas can re-layout with ELK); `column` offsets a branch sideways so skips read as skips.
 */
export class DesignBuilder {
  private readonly nodes: NodeInput[] = [];
  private readonly edges: DesignInput['edges'] = [];
  private readonly groups: NonNullable<DesignInput['groups']> = [];
  private readonly counters = new Map<string, number>();
  private row = 0;

  constructor(
    private readonly name: string,
    private readonly description = '',
  ) {}

  add<T extends LayerTypeName>(
    type: T,
    params: ParamsOf<T> = {} as ParamsOf<T>,
    options: { id?: string; name?: string; column?: number; from?: string | string[] } = {},
  ): string {
    const id = options.id ?? this.nextId(type);
    const node = { id, type, params, name: options.name, position: { x: (options.column ?? 0) * COLUMN_WIDTH, y: this.row++ * ROW_HEIGHT } } as NodeInput;
    this.nodes.push(node);
    const sources = options.from === undefined ? [] : Array.isArray(options.from) ? options.from : [options.from];
    sources.forEach((s, port) => this.connect(s, id, port));
    return id;
  }

  connect(source: string, target: string, targetPort = 0): string {
    const id = `e_${source}_${target}`;
    this.edges.push({ id, source, target, targetPort });
    return id;
  }

  /** Marks the nodes added by `body` as one repeat group run `repeat` times. */
  repeat(repeat: number, body: () => string, options: { id?: string; name?: string } = {}): string {
    const before = this.nodes.length;
    const exit = body();
    const nodeIds = this.nodes.slice(before).map((n) => n.id);
    this.groups.push({ id: options.id ?? this.nextId('group'), name: options.name, nodeIds, repeat, collapsed: true });
    return exit;
  }

  build(): Design {
    const design = Design.parse({
      format: DESIGN_FORMAT,
      version: DESIGN_VERSION,
      metadata: { name: this.name, description: this.description },
      nodes: this.nodes,
      edges: this.edges,
      groups: this.groups,
    });
    const problems = checkReferences(design);
    if (problems.length) throw new Error(problems.map(formatDiagnostic).join('\n'));
    return design;
  }

  private nextId(type: string): string {
    const stem = type.toLowerCase().replace(/[^a-z0-9]/g, '');
    const n = (this.counters.get(stem) ?? 0) + 1;
    this.counters.set(stem, n);
    return `${stem}_${n}`;
  }
}
