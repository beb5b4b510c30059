import type { ReactFlowInstance } from '@xyflow/react';
import type { Point } from '../../src/graph/edit';
import type { FlowEdge, FlowNode } from './flowTypes';

/** The mounted canvas's viewport, for commands issued outside it (palette, toolbar, Problems panel). */
let instance: ReactFlowInstance<FlowNode, FlowEdge> | null = null;
let element: HTMLElement | null = null;

export function registerCanvas(flow: ReactFlowInstance<FlowNode, FlowEdge> | null, el: HTMLElement | null): void {
  instance = flow;
  element = el;
}

/** The flow coordinates at the centre of the visible canvas, offset so a node's centre lands there. */
export function visibleCentre(): Point {
  if (!instance || !element) return { x: 0, y: 0 };
  const r = element.getBoundingClientRect();
  const p = instance.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
  return { x: Math.round(p.x - 100), y: Math.round(p.y - 36) };
}

export function screenToFlow(point: Point): Point {
  return instance ? instance.screenToFlowPosition(point) : point;
}

/** The canvas's own fit (clear of the corner panels), registered by the canvas; React Flow's plain fit until then. */
let fitter: (() => void) | null = null;

export function registerFit(fit: (() => void) | null): void {
  fitter = fit;
}

export function fitCanvas(): void {
  if (fitter) fitter();
  else void instance?.fitView({ padding: 0.15, duration: 0 });
}

export function centreOn(point: Point): void {
  void instance?.setCenter(point.x + 100, point.y + 36, { zoom: Math.max(instance.getZoom(), 0.8), duration: 200 });
}

export function canvasElement(): HTMLElement | null {
  return element;
}

export function canvasInstance(): ReactFlowInstance<FlowNode, FlowEdge> | null {
  return instance;
}

/** Centres the canvas on a drawn node (a layer, a folded block or a collapsed group) by its canvas id. */
export function centreOnNode(id: string): void {
  const node = instance?.getNode(id);
  if (!instance || !node) return;
  const w = node.width ?? 200;
  const h = node.height ?? 72;
  void instance.setCenter(node.position.x + w / 2, node.position.y + h / 2, { zoom: Math.max(instance.getZoom(), 0.8), duration: 200 });
}
