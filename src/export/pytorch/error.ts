/** The design cannot become a PyTorch package; `problems` name each node (or diagnostic) at fault. */
export class PytorchExportError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot export to PyTorch:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'PytorchExportError';
  }
}
