/** TF 'same' padding: the total padding is split with the odd pixel at the end (right/bottom), unlike PyTorch's symmetric padding. */
export function samePads(size: number, window: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + window - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}
