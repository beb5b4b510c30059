import { readFileSync } from 'node:fs';
import { parseRunLogLine, type RunLogRecord } from '../../../src/protocol/runLog';

/** Every line of a run log through the app's own line reader, in order; a bad line fails naming its number. */
export function readRunLogRecords(path: string): RunLogRecord[] {
  return readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((line, i) => {
      try {
        return parseRunLogLine(line);
      } catch (error) {
        throw new Error(`${path} line ${i + 1}: ${(error as Error).message}`);
      }
    });
}
