import type { Command } from 'commander';
import { formatDiagnostic } from '../../src/graph/diagnostics';
import { validateDesign } from '../../src/graph/validate';
import { checkResources } from '../../src/compile/resources';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';
import { addResourceFlags, resourceContext, type ResourceFlags } from '../resourceOptions';

export function registerValidate(program: Command): void {
  addResourceFlags(
    program
      .command('validate')
      .description('check a design: shapes, connections, parameters, and whether training it fits in memory; exit 2 when it has errors')
      .argument('<design>', 'a .rescanvas.json design file'),
  ).action(async (file: string, flags: ResourceFlags) => {
    const context = resourceContext(flags);
    const design = await readDesignFile(file);
    const result = validateDesign(design);
    // Memory is estimated only once the shapes are known.
    const diagnostics = result.valid ? [...result.diagnostics, ...checkResources(design, result.nodeShapes, context)] : result.diagnostics;
    for (const d of diagnostics) console.log(formatDiagnostic(d));
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    if (errors) throw new UsageError(`${file}: ${errors} error${errors === 1 ? '' : 's'}`);
    console.log(
      `${file}: valid (${design.nodes.length} nodes, ${design.edges.length} edges${design.groups.length ? `, ${design.groups.length} repeat group${design.groups.length === 1 ? '' : 's'}` : ''})`,
    );
  });
}
