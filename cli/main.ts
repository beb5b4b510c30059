/**
 * `rescanvas`: the headless face of the app. Commands live one per file in cli/commands/ and register here.
 * commander parses flags (well kept, typed, generates --help) instead of hand-written argv handling.
 */
import { Command, CommanderError } from 'commander';
import { registerSummary } from './commands/summary';
import { registerValidate } from './commands/validate';
import { registerExport } from './commands/export';
import { registerImport } from './commands/import';
import { registerLesson } from './commands/lesson';
import { registerTrain } from './commands/train';
import { registerLandscape } from './commands/landscape';
import { UsageError } from './errors';
import { fatalEngineErrorText, isFatalEngineError } from '../src/engine/session';

const program = new Command()
  .name('rescanvas')
  .description('Design, train and inspect residual neural networks from the command line.')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(text) });

registerValidate(program);
registerSummary(program);
registerExport(program);
registerImport(program);
registerLesson(program);
registerTrain(program);
registerLandscape(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : 2;
  } else if (error instanceof UsageError) {
    console.error(`rescanvas: ${error.message}`);
    process.exitCode = error.exitCode;
  } else if (isFatalEngineError(error)) {
    // A wasm trap or abort that escaped the engine's own reporting: still the engine's failure, not ours.
    console.error(`rescanvas: ${fatalEngineErrorText(error)}`);
    process.exitCode = 2;
  } else {
    console.error(`rescanvas: internal error: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
