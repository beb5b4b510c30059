import { memo, useEffect, useRef, useState } from 'react';
import { useApp } from '../store/store';
import { statsStore } from '../overlay/statsStore';
import { depthProfile } from '../overlay/display';
import { categoryColour } from '../overlay/colour';
import { CurveChart, type ChartLink, type CurveSeries } from './CurveChart';
import { splitCopyId } from '../../src/graph/unroll';
import { canvasIdFor, hoverNode, onHoverNode } from '../overlay/linking';
import { centreOnNode } from '../canvas/canvasApi';

/** The design node at a depth of the live profile (an unrolled copy maps to its design node). */
function nodeAtDepth(depth: number): string | null {
  const frame = statsStore.current();
  const layout = statsStore.layout();
  const row = layout?.depthOrder[Math.round(depth)];
  const id = row === undefined ? undefined : frame?.nodes.ids[row];
  return id === undefined ? null : splitCopyId(id).designId;
}

function depthOfNode(designId: string): number | null {
  const frame = statsStore.current();
  const layout = statsStore.layout();
  if (!frame || !layout) return null;
  for (let i = 0; i < layout.depthOrder.length; i++) if (splitCopyId(frame.nodes.ids[layout.depthOrder[i]]).designId === designId) return i;
  return null;
}
import { useOnScreen } from './onScreen';

/** Redraws at most this often from the live stream; the chart is a summary, not an animation. */
const LIVE_INTERVAL_MS = 500;

/**
 * Activation std and gradient RMS against depth: the classic vanishing-gradient picture. The live
 * run comes from the stats store (throttled, and only while the chart is on screen: a closed section
 * or a scrolled-away chart costs the stream nothing); compared runs from their last recorded frame.
 */
function DepthProfileView() {
  const runs = useApp((s) => s.runs);
  const compareIds = useApp((s) => s.compareIds);
  const [live, setLive] = useState<ReturnType<typeof depthProfile> | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const onScreen = useOnScreen(box);
  const comparing = runs.filter((r) => compareIds.includes(r.id) && r.profile).length >= 2;
  // Profile ↔ canvas: hovering a depth marks its node on the canvas, and hovering a node moves the cursor here.
  const link = useRef<ChartLink>({
    onHover: (x) => hoverNode(x === null ? null : nodeAtDepth(x)),
    onClick: (x) => {
      const id = nodeAtDepth(x);
      if (id) centreOnNode(canvasIdFor(id));
    },
  });
  useEffect(
    () =>
      onHoverNode((id) => {
        if (comparing) return;
        link.current.show?.(id === null ? null : depthOfNode(id));
      }),
    [comparing],
  );

  useEffect(() => {
    // Compared runs are drawn from the store; the live stream only matters when it is what is shown.
    if (!onScreen || comparing) return;
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let shown: unknown = undefined;
    const update = () => {
      timer = null;
      last = performance.now();
      const frame = statsStore.current();
      const layout = statsStore.layout();
      // A repaint of the same frame (mode switch, another subscriber) changes nothing here.
      if (frame === shown) return;
      shown = frame;
      setLive(frame && layout ? depthProfile(frame, layout) : null);
    };
    const unsubscribe = statsStore.subscribe(() => {
      if (timer !== null) return;
      timer = setTimeout(update, Math.max(0, LIVE_INTERVAL_MS - (performance.now() - last)));
    });
    // Catch up at once with what streamed while the chart was hidden.
    update();
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [onScreen, comparing]);

  const compared = runs.filter((r) => compareIds.includes(r.id) && r.profile);
  let series: CurveSeries[];
  if (comparing) {
    series = compared.flatMap((r) => {
      const i = runs.indexOf(r);
      const p = r.profile as NonNullable<typeof r.profile>;
      const x = p.gradientRms.map((_, d) => d);
      return [
        { label: `${i + 1}. grad RMS`, colour: categoryColour(i), x, y: p.gradientRms },
        { label: `${i + 1}. act std`, colour: categoryColour(i), dash: [4, 3], x, y: p.activationStd },
      ];
    });
  } else if (live) {
    series = [
      { label: 'gradient RMS', colour: categoryColour(3), x: live.depth, y: live.gradientRms },
      { label: 'activation std', colour: categoryColour(0), x: live.depth, y: live.activationStd },
    ];
  } else {
    series = [];
  }
  return (
    <div ref={box}>
      <CurveChart name="Depth profile" yLabel="log scale, by layer depth →" series={series} logY xLabel="depth" link={comparing ? undefined : link.current} />
    </div>
  );
}

export const DepthProfile = memo(DepthProfileView);
