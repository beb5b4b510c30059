import type { Command } from 'commander';
import { formatDiagnostic } from '../../src/graph/diagnostics';
import { validateDesign } from '../../src/graph/validate';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check a design: shapes, connections, parameters; exit 2 when it has errors')
    .argument('<design>', 'a .rescanvas.json design file')
    .action(async (file: string) => {
      const design = await readDesignFile(file);
      const result = validateDesign(design);
      for (const d of result.diagnostics) console.log(formatDiagnostic(d));
      const errors = result.diagnostics.filter((d) => d.severity === 'error').length;
      if (errors) throw new UsageError(`${file}: ${errors} error${errors === 1 ? '' : 's'}`);
      console.log(`${file}: valid (${design.nodes.length} nodes, ${design.edges.length} edges${design.groups.length ? `, ${design.groups.length} repeat group${design.groups.length === 1 ? '' : 's'}` : ''})`);
    });
}
