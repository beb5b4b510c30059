import { PYTHON_SOURCES } from './sources';

/** The text between `# ResCanvas: <part> begins` and `# ResCanvas: <part> ends`: what model.py copies of a file that also lints alone. */
function part(file: keyof typeof PYTHON_SOURCES, name: string): string {
  const text = PYTHON_SOURCES[file];
  const begin = `# ResCanvas: ${name} begins\n`;
  const start = text.indexOf(begin);
  const end = text.indexOf(`# ResCanvas: ${name} ends`);
  if (start < 0 || end < start) throw new Error(`${file} has no "${name}" part`);
  return text.slice(start + begin.length, end).trim();
}

/** The package's modules copied as they are. */
export const DATA_PY = PYTHON_SOURCES['data.py'];
export const RUNLOG_PY = PYTHON_SOURCES['runlog.py'];
export const TRAIN_PY = PYTHON_SOURCES['train.py'];

/** model.py's fixed parts: the layer classes and weight loader before the design's classes, build_model and the script entry after them. */
export const MODEL_RUNTIME = part('model_runtime.py', 'runtime');
export const MODEL_TAIL = part('model_runtime.py', 'main');
