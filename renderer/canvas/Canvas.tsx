import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  type Connection,
  type EdgeChange,
  type NodeChange,
  type ReactFlowInstance,
} from '@xyflow/react';
import { isLayerType } from '../../src/graph/catalogue';
import { groupBoundary } from '../../src/graph/groups';
import { indexGraph, liveIndex } from '../../src/graph/topology';
import type { Point } from '../../src/graph/edit';
import { appStore, useApp } from '../store/store';
import { useValidation } from '../store/validation';
import { FlowProjection } from './toFlow';
import { nodeTypes, edgeTypes } from './nodeTypes';
import { canvasInstance, centreOn, registerCanvas, registerFit, screenToFlow } from './canvasApi';
import type { FlowEdge, FlowNode } from './flowTypes';
import { designBlocks } from '../../src/graph/blocksEdit';
import { BLOCK_PREFIX } from './blockIds';
import { faceFor } from './faces';
import { CompactLayer } from './CompactLayer';
import { boxAt, compactBoxes, compactEdgePath } from './compactGeometry';
import { hoverNode } from '../overlay/linking';
import { HUGE_DESIGN, isHuge, showStart } from '../open/largeView';
import { fitDrawn } from '../layout/openView';
import { useViewWindow, ViewWindowTracker } from '../open/ViewWindow';
import { useBlocksVersion } from '../store/blocks';
import './faces.css';

export const LAYER_DRAG_TYPE = 'application/x-rescanvas-layer';
/** Above this many nodes only what is on screen is rendered, and the minimap is left out. */
const LARGE_CANVAS = 300;
const SNAP: [number, number] = [10, 10];
const HUGE_MIN_ZOOM = 0.2;
const NO_EDGES: FlowEdge[] = [];

/**
 * Whether the network is drawn by the compact layer: large, and zoomed out to the compact face (no
 * text to read). React Flow then re-ran thousands of node and edge components' selectors on every
 * pan frame. Huge designs keep React Flow's drawing of what is in view: their fitted view is not shown.
 */
const drawsCompactLayer = (drawnNodes: number, face: string): boolean => face === 'compact' && drawnNodes > LARGE_CANVAS && drawnNodes <= HUGE_DESIGN;

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What a connection from a collapsed block means: its exit layer's output. */
function resolveSource(id: string): string {
  const { design } = appStore.getState();
  if (id.startsWith(BLOCK_PREFIX)) return designBlocks(design).find((b) => b.id === id.slice(BLOCK_PREFIX.length))?.exit ?? id;
  const group = design.groups.find((g) => g.id === id);
  if (!group) return id;
  const b = groupBoundary(group, indexGraph(design));
  return b.ok ? b.boundary.exit : id;
}

function onNodesChange(changes: NodeChange<FlowNode>[]): void {
  const state = appStore.getState();
  const positions = new Map<string, Point>();
  let selection: Set<string> | null = null;
  // Each frame of a drag lands here: nodes are found through the live index, not a map of the whole design.
  const nodesById = liveIndex(state.design).nodes;
  for (const c of changes) {
    if (c.type === 'position' && c.position) {
      const group = state.design.groups.find((g) => g.id === c.id);
      const block = c.id.startsWith(BLOCK_PREFIX) ? designBlocks(state.design).find((b) => b.id === c.id.slice(BLOCK_PREFIX.length)) : undefined;
      const memberIds = group?.nodeIds ?? block?.members;
      if (memberIds) {
        // A collapsed repeat block or a folded residual block moves all its members by the same delta.
        const members = memberIds.map((id) => nodesById.get(id)).filter((n) => !!n);
        const dx = c.position.x - Math.min(...members.map((n) => n.position.x));
        const dy = c.position.y - Math.min(...members.map((n) => n.position.y));
        for (const n of members) positions.set(n.id, { x: n.position.x + dx, y: n.position.y + dy });
      } else {
        positions.set(c.id, { x: Math.round(c.position.x), y: Math.round(c.position.y) });
      }
    } else if (c.type === 'select') {
      selection ??= new Set(state.selectedIds);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
  }
  if (positions.size) state.moveNodes(positions);
  if (selection) state.select(selection, state.selectedEdgeIds);
}

function onEdgesChange(changes: EdgeChange<FlowEdge>[]): void {
  const state = appStore.getState();
  let selection: Set<string> | null = null;
  for (const c of changes) {
    if (c.type === 'select') {
      selection ??= new Set(state.selectedEdgeIds);
      if (c.selected) selection.add(c.id);
      else selection.delete(c.id);
    }
  }
  if (selection) state.select(state.selectedIds, selection);
}

function onConnect(connection: Connection): void {
  const state = appStore.getState();
  if (connection.target.startsWith(BLOCK_PREFIX)) {
    state.say('unfold the block to connect to a layer inside it', 'error');
    return;
  }
  if (state.design.groups.some((g) => g.id === connection.target && g.collapsed)) {
    state.say('expand the repeat block to connect to a layer inside it', 'error');
    return;
  }
  state.connectNodes(resolveSource(connection.source), connection.target);
}

const beginDrag = (): void => appStore.beginDrag();
/** Canvas → depth profile: the node under the pointer (a folded block stands for its output layer). */
const onNodeMouseEnter = (_: unknown, node: FlowNode): void => {
  hoverNode(node.type === 'block' ? node.data.block.exit : node.type === 'layer' ? node.id : null);
};
const onNodeMouseLeave = (): void => hoverNode(null);
const endDrag = (): void => appStore.endDrag();
const clearSelection = (): void => appStore.getState().clearSelection();
/** Hidden from React Flow's drawing (the compact layer draws them) but known to it, for fits and look-ups. */
const hide = (n: FlowNode): FlowNode => ({ ...n, hidden: true });
/**
 * The Fit View control runs our fit alone. React Flow's own fit (queued to its next node update) and a
 * second fit after it raced, and each placed the network differently around the corner panels.
 */
const fitView = (): void => fitDrawn(appStore.getState().design);

function onDragOver(event: DragEvent): void {
  if (event.dataTransfer.types.includes(LAYER_DRAG_TYPE)) {
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }
}

function onDrop(event: DragEvent): void {
  const type = event.dataTransfer.getData(LAYER_DRAG_TYPE);
  if (!type || !isLayerType(type)) return;
  event.preventDefault();
  const p = screenToFlow({ x: event.clientX, y: event.clientY });
  appStore.getState().addLayer(type, { x: Math.round((p.x - 100) / SNAP[0]) * SNAP[0], y: Math.round((p.y - 36) / SNAP[1]) * SNAP[1] });
}

export function Canvas() {
  const design = useApp((s) => s.design);
  const selectedIds = useApp((s) => s.selectedIds);
  const selectedEdgeIds = useApp((s) => s.selectedEdgeIds);
  const theme = useApp((s) => s.theme);
  const focusRequest = useApp((s) => s.focusRequest);
  const validation = useValidation((s) => s);
  const view = useViewWindow(design);
  const blocksVersion = useBlocksVersion();
  const projection = useRef(new FlowProjection());
  const wrapper = useRef<HTMLElement>(null);
  const drawn = useRef<{ nodes: FlowNode[]; edges: FlowEdge[] }>({ nodes: [], edges: [] });
  const { nodes, edges } = useMemo(() => {
    const next = projection.current.project(design, validation, selectedIds, selectedEdgeIds, view);
    // The same items keep the same array, so React Flow does not re-index 100,000 edges after a move.
    const previous = drawn.current;
    drawn.current = {
      nodes: sameItems(previous.nodes, next.nodes) ? previous.nodes : next.nodes,
      edges: sameItems(previous.edges, next.edges) ? previous.edges : next.edges,
    };
    return drawn.current;
    // blocksVersion: blocks detected after the edit (in the design worker) have arrived.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [design, validation, selectedIds, selectedEdgeIds, view, blocksVersion]);
  // A huge design is projected only around the view (useViewWindow): count all of it here.
  const totalNodes = view ? design.nodes.length : nodes.length;
  const large = totalNodes > LARGE_CANVAS;
  const drawnCount = useRef(totalNodes);
  drawnCount.current = totalNodes;
  const [compact, setCompact] = useState(false);
  const compactNow = useRef(false);
  const flowNodes = useMemo(() => (compact ? nodes.map(hide) : nodes), [compact, nodes]);
  const boxes = useMemo(() => (compact ? compactBoxes(nodes) : []), [compact, nodes]);
  const edgePath = useMemo(() => (compact ? compactEdgePath(nodes, edges) : { d: '', count: 0 }), [compact, nodes, edges]);
  // Zoomed out over a huge design every node is in view and drawn: the floor keeps it to about a thousand.
  const minZoom = totalNodes > HUGE_DESIGN ? HUGE_MIN_ZOOM : 0.02;

  // Semantic zoom: one attribute on the canvas, changed only when the zoom crosses a threshold, so
  // zooming re-renders no node; CSS switches the faces.
  const setFace = useCallback((zoom: number) => {
    const el = wrapper.current;
    const face = faceFor(zoom);
    if (el && el.dataset.face !== face) el.dataset.face = face;
    const next = drawsCompactLayer(drawnCount.current, face);
    if (next !== compactNow.current) {
      compactNow.current = next;
      setCompact(next);
    }
  }, []);
  // An edit that crosses the size threshold decides again at the current zoom.
  useEffect(() => {
    const zoom = canvasInstance()?.getZoom();
    if (zoom !== undefined) setFace(zoom);
  }, [nodes.length, setFace]);
  // With the compact layer drawing, a click on the pane selects the box under it.
  const onPaneClick = useCallback(
    (event: MouseEvent) => {
      const hit = compactNow.current ? boxAt(boxes, screenToFlow({ x: event.clientX, y: event.clientY })) : null;
      if (hit) appStore.getState().select([hit.id]);
      else clearSelection();
    },
    [boxes],
  );
  const onMove = useCallback((_: unknown, viewport: { zoom: number }) => setFace(viewport.zoom), [setFace]);
  // While the view moves no node takes part in hit testing (faces.css): dragging across a large
  // network otherwise fired hover and profile-linking work for every node the pointer crossed.
  // A pan or zoom by the user (not a fit: that has no input event) leaves the fitted view, so zoom
  // controls a fit set aside come back.
  const onMoveStart = useCallback((event: unknown) => {
    if (!wrapper.current) return;
    wrapper.current.dataset.moving = '';
    if (event) delete wrapper.current.dataset.controls;
  }, []);
  const onMoveEnd = useCallback(
    (_: unknown, viewport: { zoom: number }) => {
      if (wrapper.current) delete wrapper.current.dataset.moving;
      setFace(viewport.zoom);
    },
    [setFace],
  );

  const onInit = useCallback(
    (flow: ReactFlowInstance<FlowNode, FlowEdge>) => {
      registerCanvas(flow, wrapper.current);
      registerFit(fitView);
      setFace(flow.getZoom());
      const opened = appStore.getState().design;
      if (isHuge(opened)) showStart(opened);
      else if (opened.nodes.length) void flow.fitView({ padding: 0.15 });
    },
    [setFace],
  );
  useEffect(
    () => () => {
      registerCanvas(null, null);
      registerFit(null);
    },
    [],
  );

  useEffect(() => {
    if (!focusRequest) return;
    const { design: d } = appStore.getState();
    const node = d.nodes.find((n) => n.id === focusRequest.nodeId);
    const group = d.groups.find((g) => g.collapsed && g.nodeIds.includes(focusRequest.nodeId));
    if (node) {
      centreOn(node.position);
      appStore.getState().select([group ? group.id : node.id]);
      // Move keyboard focus to the node so the next key acts on it.
      requestAnimationFrame(() =>
        wrapper.current?.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(group ? group.id : node.id)}"]`)?.focus(),
      );
    }
  }, [focusRequest]);

  return (
    <section className="canvas" aria-label="Canvas" ref={wrapper} onDragOver={onDragOver} onDrop={onDrop} data-compact-layer={compact ? '' : undefined}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={flowNodes}
        edges={compact ? NO_EDGES : edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        onNodeDragStart={beginDrag}
        onNodeDragStop={endDrag}
        onSelectionDragStart={beginDrag}
        onSelectionDragStop={endDrag}
        onPaneClick={onPaneClick}
        onInit={onInit}
        onMove={onMove}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        onNodeMouseEnter={onNodeMouseEnter}
        onNodeMouseLeave={onNodeMouseLeave}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        snapToGrid
        snapGrid={SNAP}
        minZoom={minZoom}
        maxZoom={2}
        onlyRenderVisibleElements={large}
        colorMode={theme}
        proOptions={{ hideAttribution: true }}
      >
        <ViewWindowTracker enabled={!!view} />
        <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
        {compact && <CompactLayer boxes={boxes} edges={edgePath} selected={selectedIds} />}
        <Controls position="bottom-left" showFitView={false}>
          <ControlButton className="react-flow__controls-fitview" onClick={fitView} title="Fit View" aria-label="Fit View">
            <svg viewBox="0 0 16 16" aria-hidden="true">
              <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="2" />
            </svg>
          </ControlButton>
        </Controls>
        {!large && <MiniMap pannable zoomable position="bottom-right" ariaLabel="Minimap" />}
      </ReactFlow>
    </section>
  );
}
