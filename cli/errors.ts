/** A problem with what the user gave us (file, flag, data): printed as one clear message, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
