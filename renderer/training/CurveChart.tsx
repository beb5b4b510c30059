import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { watchOnScreen } from './onScreen';

export interface CurveSeries {
  label: string;
  colour: string;
  dash?: number[];
  /** Points (x in epochs); drawn joined, gaps spanned. */
  x: number[];
  y: (number | null)[];
}

const HEIGHT = 150;

/**
 * A uPlot line chart in a named figure. uPlot draws tens of thousands of points on a canvas in a
 * millisecond or two and is ~45 kB: the right size for live curves redrawn several times a second.
 * The chart is rebuilt when the set of series changes and otherwise fed with setData — only while it
 * is on screen: off-screen updates are kept and drawn when it scrolls (or its section opens) back.
 */
/** Optional pointer linking: the x under the cursor (null when it leaves), a click, and a way to place the cursor from outside. */
export interface ChartLink {
  onHover?: (x: number | null) => void;
  onClick?: (x: number) => void;
  /** Set by the chart: moves its cursor to x (null hides it). */
  show?: ((x: number | null) => void) | null;
}

export function CurveChart({
  name,
  yLabel,
  series,
  logY = false,
  percent = false,
  xLabel = 'epoch',
  link,
}: {
  name: string;
  yLabel: string;
  series: CurveSeries[];
  logY?: boolean;
  percent?: boolean;
  xLabel?: string;
  link?: ChartLink;
}) {
  const box = useRef<HTMLDivElement>(null);
  const linkRef = useRef(link);
  linkRef.current = link;
  const plot = useRef<uPlot | null>(null);
  const visible = useRef(false);
  /** The newest series not yet drawn (null when the chart is up to date). */
  const pending = useRef<{ series: CurveSeries[]; logY: boolean } | null>(null);
  const shapeKey = series.map((s) => `${s.label}|${s.colour}|${s.dash?.join(',') ?? ''}`).join(';') + (logY ? 'log' : '');

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(160, el.clientWidth || 250);
    const axisStroke = getComputedStyle(document.documentElement).getPropertyValue('--muted').trim() || '#888';
    const grid = { stroke: 'rgba(128,128,128,0.15)', width: 1 };
    const opts: uPlot.Options = {
      width,
      height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: logY ? { distr: 3 } : { range: percent ? [0, 1] : undefined } },
      axes: [
        { stroke: axisStroke, grid, size: 28, label: xLabel, labelSize: 14, font: '10px system-ui', labelFont: '10px system-ui' },
        {
          stroke: axisStroke,
          grid,
          size: 42,
          font: '10px system-ui',
          values: percent
            ? (_u, ticks) => ticks.map((t) => `${Math.round(t * 100)}%`)
            : logY
              ? (_u, ticks) => ticks.map((t) => (t == null ? '' : t >= 0.01 && t < 1e4 ? String(Number(t.toPrecision(2))) : t.toExponential(0)))
              : undefined,
        },
      ],
      series: [
        { label: xLabel },
        ...series.map((s) => ({ label: s.label, stroke: s.colour, width: 1.6, dash: s.dash, spanGaps: true, points: { show: false } })),
      ],
      hooks: {
        setCursor: [
          (u) => {
            const i = u.cursor.idx;
            linkRef.current?.onHover?.(i === null || i === undefined ? null : (u.data[0][i] ?? null));
          },
        ],
      },
    };
    plot.current = new uPlot(opts, [[]], el);
    const onClick = () => {
      const u = plot.current;
      const i = u?.cursor.idx;
      if (u && i !== null && i !== undefined && u.data[0][i] !== undefined) linkRef.current?.onClick?.(u.data[0][i]);
    };
    el.addEventListener('click', onClick);
    if (linkRef.current) {
      linkRef.current.show = (x) => {
        const u = plot.current;
        if (!u) return;
        if (x === null) u.setCursor({ left: -10, top: -10 }, false);
        else u.setCursor({ left: u.valToPos(x, 'x'), top: u.over.clientHeight / 2 }, false);
      };
    }
    const resize = new ResizeObserver(() => {
      if (el.clientWidth > 0) plot.current?.setSize({ width: Math.max(160, el.clientWidth), height: HEIGHT });
    });
    resize.observe(el);
    const unwatch = watchOnScreen(el, (v) => {
      visible.current = v;
      if (v) draw();
    });
    return () => {
      el.removeEventListener('click', onClick);
      if (linkRef.current) linkRef.current.show = null;
      unwatch();
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // The plot is rebuilt only when its shape changes: shapeKey stands for the series' labels, colours and
    // dashes, while new points (series) and the log axis (logY) arrive through draw() without a rebuild.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shapeKey, percent, xLabel]);

  function draw() {
    const next = pending.current;
    if (!plot.current || !next) return;
    pending.current = null;
    const tables = next.series.map(
      (s) => [Float64Array.from(s.x), s.y.map((v) => (v === null || !Number.isFinite(v) || (next.logY && v <= 0) ? null : v))] as uPlot.AlignedData,
    );
    const data = tables.length ? (tables.length === 1 ? tables[0] : uPlot.join(tables)) : ([[]] as uPlot.AlignedData);
    plot.current.setData(data);
  }

  useEffect(() => {
    pending.current = { series, logY };
    if (visible.current) draw();
  });

  return (
    <figure aria-label={name} className="curve-chart">
      <figcaption>
        {name} <span className="muted">({yLabel})</span>
      </figcaption>
      <div ref={box} className="curve-chart-plot" />
    </figure>
  );
}
