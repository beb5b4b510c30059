import { create } from 'zustand';

/** Which node's histogram popover is open, and where (screen coordinates of the clicked badge). */
export interface HistogramTarget {
  nodeId: string;
  x: number;
  y: number;
}

export const useHistogramTarget = create<{ target: HistogramTarget | null }>(() => ({ target: null }));

export function openHistogram(nodeId: string, rect: DOMRect): void {
  useHistogramTarget.setState({ target: { nodeId, x: rect.right + 8, y: rect.top } });
}

export function closeHistogram(): void {
  useHistogramTarget.setState({ target: null });
}
