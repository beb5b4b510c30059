/**
 * Dataset options as a command line spells them (`--size 800 --noise 0.2`, `--csv f --label-column y`)
 * → a dataset spec, checked by the same zod schema the app's training panel and the engine use.
 * Every problem names the option it comes from.
 */
import { DATASET_KINDS, DatasetSpec, type DatasetKind } from '../../schema/datasetSpec';

/** Option values as text, exactly as typed; the source of the CSV is read by the caller. */
export interface DatasetOptionText {
  dataset?: string;
  csv?: { name: string; text: string };
  labelColumn?: string;
  header?: string;
  delimiter?: string;
  normalization?: string;
  size?: string;
  noise?: string;
  classes?: string;
  side?: string;
  validation?: string;
  dataSeed?: string;
}

/** Spec field → the option that sets it, for messages. */
const FLAG: Record<string, string> = {
  size: '--size',
  noise: '--noise',
  classes: '--classes',
  side: '--side',
  validationFraction: '--validation',
  seed: '--data-seed',
  labelColumn: '--label-column',
  header: '--header',
  delimiter: '--delimiter',
  normalization: '--normalization',
  kind: '--dataset',
  text: '--csv',
};

const CSV_ONLY = ['labelColumn', 'header', 'delimiter', 'normalization'] as const;

export type DatasetOptionsResult = { ok: true; spec: DatasetSpec } | { ok: false; problems: string[] };

function numeric(flag: string, text: string | undefined, problems: string[]): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    problems.push(`${flag}: "${text}" is not a number`);
    return undefined;
  }
  return value;
}

export function datasetSpecFromOptions(options: DatasetOptionText): DatasetOptionsResult {
  const problems: string[] = [];
  if (options.csv && options.dataset && options.dataset !== 'csv') problems.push(`--csv and --dataset ${options.dataset} name two datasets; pass one`);
  const kind = options.csv ? 'csv' : (options.dataset ?? 'spirals');
  if (!(DATASET_KINDS as readonly string[]).includes(kind)) {
    return { ok: false, problems: [`--dataset: "${kind}" is not a dataset (${DATASET_KINDS.filter((k) => k !== 'csv').join(', ')}; or --csv FILE)`] };
  }
  if (kind === 'csv' && !options.csv) problems.push('--dataset csv needs --csv FILE');
  if (kind !== 'csv') for (const key of CSV_ONLY) if (options[key] !== undefined) problems.push(`${FLAG[key]} only applies to --csv`);

  const input: Record<string, unknown> = { kind: kind as DatasetKind };
  const set = (key: string, value: unknown) => {
    if (value !== undefined) input[key] = value;
  };
  set('size', numeric('--size', options.size, problems));
  set('noise', numeric('--noise', options.noise, problems));
  set('classes', numeric('--classes', options.classes, problems));
  set('side', numeric('--side', options.side, problems));
  set('validationFraction', numeric('--validation', options.validation, problems));
  set('seed', numeric('--data-seed', options.dataSeed, problems));
  if (kind === 'csv' && options.csv) {
    set('text', options.csv.text);
    set('name', options.csv.name.slice(0, 200));
    const label = options.labelColumn;
    // A bare number is a 0-based column index; anything else is a header name.
    set('labelColumn', label === undefined ? undefined : /^\d+$/.test(label) ? Number(label) : label);
    set('header', options.header);
    set('delimiter', options.delimiter);
    set('normalization', options.normalization);
  }
  if (problems.length) return { ok: false, problems };

  const parsed = DatasetSpec.safeParse(input);
  if (parsed.success) return { ok: true, spec: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const flag = FLAG[key] ?? key;
      if (issue.code === 'unrecognized_keys')
        return `${issue.keys.map((k) => FLAG[k] ?? k).join(', ')} ${issue.keys.length === 1 ? 'does' : 'do'} not apply to --dataset ${kind}`;
      return `${flag}: ${issue.message}`;
    }),
  };
}
