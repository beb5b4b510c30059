import type { Command } from 'commander';
import { formatSummary, summarizeDesign } from '../../src/compile/summary';
import { checkResources, estimateResources, formatEstimate } from '../../src/compile/resources';
import { formatDiagnostic } from '../../src/graph/diagnostics';
import { validateDesign } from '../../src/graph/validate';
import { readDesignFile } from '../designFile';
import { UsageError } from '../errors';
import { addResourceFlags, resourceContext, type ResourceFlags } from '../resourceOptions';

export function registerSummary(program: Command): void {
  addResourceFlags(
    program
      .command('summary')
      .description("print a per-layer table like Keras' model.summary(): node, type, output shape, parameters; and the memory estimate")
      .argument('<design>', 'a .rescanvas.json design file'),
  ).action(async (file: string, flags: ResourceFlags) => {
    const context = resourceContext(flags);
    const design = await readDesignFile(file);
    const validation = validateDesign(design);
    const summary = summarizeDesign(design);
    console.log(formatSummary(design, summary));
    const problems = [...validation.diagnostics];
    if (validation.valid) {
      console.log(`\n${formatEstimate(estimateResources(design, context.run, summary.rows), context.run, context.machineBytes)}`);
      problems.push(...checkResources(design, validation.nodeShapes, context));
    }
    if (problems.length) console.log(`\n${problems.map(formatDiagnostic).join('\n')}`);
    const errors = problems.filter((d) => d.severity === 'error').length;
    if (errors) throw new UsageError(`${file}: ${errors} error${errors === 1 ? '' : 's'}`);
  });
}
