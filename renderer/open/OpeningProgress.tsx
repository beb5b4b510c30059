import { OPEN_STAGES } from './messages';
import { stageNumber, useOpening } from './progress';
import './opening.css';

/** While a design file opens: which stage it is in, as a progress bar over the canvas. */
export function OpeningProgress() {
  const opening = useOpening();
  if (!opening) return null;
  const step = stageNumber(opening.stage);
  const count = opening.total ? ` ${opening.done ?? 0} of ${opening.total} nodes` : '';
  const text = `${opening.stage}${count}…`;
  return (
    <div className="opening" role="status" aria-live="polite">
      <div className="opening-title">Opening {opening.name}</div>
      <progress aria-label="Opening design" aria-valuetext={text} max={OPEN_STAGES.length} value={step} />
      <div className="opening-stage">
        Step {step} of {OPEN_STAGES.length}: {text}
      </div>
    </div>
  );
}
