import type { Command } from 'commander';
import { formatSummary, summarizeDesign } from '../../src/compile/summary';
import { formatDiagnostic } from '../../src/graph/diagnostics';
import { validateDesign } from '../../src/graph/validate';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';

export function registerSummary(program: Command): void {
  program
    .command('summary')
    .description("print a per-layer table like Keras' model.summary(): node, type, output shape, parameters")
    .argument('<design>', 'a .rescanvas.json design file')
    .action(async (file: string) => {
      const design = await readDesignFile(file);
      const problems = validateDesign(design).diagnostics;
      console.log(formatSummary(design, summarizeDesign(design)));
      if (problems.length) console.log(`\n${problems.map(formatDiagnostic).join('\n')}`);
      const errors = problems.filter((d) => d.severity === 'error').length;
      // Scripts chain `summary` like `validate`: a design with errors must not look like success.
      if (errors) throw new UsageError(`${file}: ${errors} error${errors === 1 ? '' : 's'}`);
    });
}
