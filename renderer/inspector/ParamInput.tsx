import { useEffect, useId, useRef, useState } from 'react';
import type { ParamField } from '../../src/graph/catalogue';

interface Props {
  field: ParamField;
  value: unknown;
  /** Checks a candidate value against the layer's schema; returns a message when it is rejected. */
  check(value: unknown): string | null;
  commit(value: unknown): void;
}

function toText(field: ParamField, value: unknown): string {
  if (field.kind === 'shape') return Array.isArray(value) ? value.join(', ') : '';
  return value === undefined || value === null ? '' : String(value);
}

function fromText(field: ParamField, text: string): { value: unknown } | { error: string } {
  const t = text.trim();
  switch (field.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(t)) return { error: `${field.label} must be a whole number` };
      const n = Number(t);
      if (n < field.min || n > field.max) return { error: `${field.label} must be from ${field.min} to ${field.max}` };
      return { value: n };
    }
    case 'number': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { error: `${field.label} must be a number` };
      if (n < field.min || n > field.max) return { error: `${field.label} must be from ${field.min} to ${field.max}` };
      return { value: n };
    }
    case 'shape': {
      const parts = t.split(/[\s,×x]+/).filter(Boolean);
      if (!parts.length || parts.some((p) => !/^\d+$/.test(p))) return { error: `${field.label} is a list of whole numbers, e.g. 2 or 28, 28, 1` };
      return { value: parts.map(Number) };
    }
    default:
      return { value: t };
  }
}

/** One labelled, typed field; the text being typed stays local until it is a value the layer accepts. */
export function ParamInput({ field, value, check, commit }: Props) {
  const id = useId();
  const [text, setText] = useState(() => toText(field, value));
  const [error, setError] = useState<string | null>(null);
  const committed = useRef<unknown>(value);
  // Undo, redo and quick fixes change the value from outside; the user's own edits must not reformat
  // the text being typed ("0." stays "0." while it means 0).
  useEffect(() => {
    if (value === committed.current) return;
    committed.current = value;
    setText(toText(field, value));
    setError(null);
  }, [field, value]);

  if (field.kind === 'bool') {
    return (
      <div className="field field-bool">
        <input id={id} type="checkbox" checked={value === true} onChange={(e) => commit(e.target.checked)} />
        <label htmlFor={id}>{field.label}</label>
      </div>
    );
  }
  if (field.kind === 'enum') {
    return (
      <div className="field">
        <label htmlFor={id}>{field.label}</label>
        <select id={id} value={String(value)} onChange={(e) => commit(e.target.value)}>
          {field.options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </div>
    );
  }
  const onChange = (next: string): void => {
    setText(next);
    const parsed = fromText(field, next);
    const message = 'error' in parsed ? parsed.error : check(parsed.value);
    setError(message);
    if (!message && 'value' in parsed) {
      committed.current = parsed.value;
      commit(parsed.value);
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{field.label}</label>
      <input
        id={id}
        type="text"
        inputMode={field.kind === 'shape' ? 'text' : 'decimal'}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {error && (
        <span id={`${id}-error`} className="field-error">
          {error}
        </span>
      )}
      {field.kind === 'number' && field.hint && <span className="field-hint">{field.hint}</span>}
    </div>
  );
}
