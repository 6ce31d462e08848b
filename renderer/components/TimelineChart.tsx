/**
 * The Overview's bar chart, drawn by uPlot on a canvas (a small, fast, well-kept chart library:
 * ~50 KB, no dependencies, thousands of bars without effort; its styles come from its CSS file,
 * bundled by Vite, and it sets element styles through the DOM only, so it runs under the app's
 * strict CSP). One bar per time bucket of the store's timeline: its events, the part in
 * invalidated transactions over it in the danger colour, and a mark on top of every bucket holding
 * an invalidated transaction. Hovering shows the bucket's tooltip; a click opens its biggest
 * transaction; a drag across the chart zooms into that range (the parent asks the store again, so
 * detail stays aggregated server-side). Colours come from the theme's CSS variables and follow it.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Timeline } from '../../src-core/model/types';
import { fmtNum } from '../lib/format';
import { useThemeName } from '../lib/theme';
import { chartData, tooltipLines, zoomRange } from '../lib/timeline-chart';

interface Props {
  timeline: Timeline;
  /** What the chart shows, for assistive technology (the text summary). */
  label: string;
  onOpenTxn: (txn: number) => void;
  onZoom: (range: { from: string; to: string }) => void;
}

const HEIGHT = 280;

function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

export function TimelineChart({ timeline, label, onOpenTxn, onZoom }: Props): ReactNode {
  const host = useRef<HTMLDivElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const theme = useThemeName();
  // The latest callbacks, so the chart is rebuilt only when its data or theme change.
  const handlers = useRef({ onOpenTxn, onZoom });
  useEffect(() => {
    handlers.current = { onOpenTxn, onZoom };
  }, [onOpenTxn, onZoom]);

  useEffect(() => {
    const el = host.current;
    const tipEl = tip.current;
    if (el === null || tipEl === null) return;
    const data = chartData(timeline);
    if (data.xs.length === 0) return;
    const from = Date.parse(timeline.from!);
    const to = Date.parse(timeline.to!);
    const bucketMs = timeline.bucketMs!;
    const bucketAt = (ms: number): number => Math.floor((ms - from) / bucketMs);
    const accent = cssVar('--accent');
    const danger = cssVar('--danger');
    const muted = cssVar('--muted');
    const grid = cssVar('--border');
    const bars = uPlot.paths.bars!({ align: 1, size: [1, Infinity, 1], gap: 1 });
    const axis = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    const maxEvents = data.events.reduce<number>((m, v) => (v !== null && v > m ? v : m), 0);
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: HEIGHT,
      ms: 1,
      tzDate: (ts) => uPlot.tzDate(new Date(ts), 'Etc/UTC'),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: { time: true, range: () => [from, to] },
        y: { range: () => [0, Math.max(1, maxEvents) * 1.08] },
      },
      axes: [
        axis,
        // Events are whole: no fractional ticks on a small scale.
        { ...axis, size: 60, values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? fmtNum(v) : '')) },
      ],
      series: [
        {},
        { label: 'Events', paths: bars, fill: accent, stroke: accent, points: { show: false } },
        { label: 'Invalidated events', paths: bars, fill: danger, stroke: danger, points: { show: false } },
        {
          label: 'Invalidated transactions',
          paths: () => null,
          points: { show: true, size: 9, fill: danger, stroke: danger, width: 1 },
        },
      ],
      hooks: {
        setCursor: [
          (u) => {
            const left = u.cursor.left ?? -1;
            const idx = left < 0 ? -1 : bucketAt(u.posToVal(left, 'x'));
            const b = idx >= 0 ? (data.buckets[idx] ?? null) : null;
            if (b === null) {
              tipEl.hidden = true;
              return;
            }
            tipEl.replaceChildren(
              ...tooltipLines(b).map((line) => {
                const div = document.createElement('div');
                div.textContent = line;
                return div;
              }),
            );
            tipEl.hidden = false;
            const flip = left > u.over.clientWidth / 2;
            tipEl.style.transform = `translate(${u.over.offsetLeft + left + (flip ? -12 : 12)}px, ${u.over.offsetTop + 8}px) translateX(${flip ? '-100%' : '0'})`;
          },
        ],
        setSelect: [
          (u) => {
            if (u.select.width > 3) {
              const range = zoomRange(
                timeline,
                u.posToVal(u.select.left, 'x'),
                u.posToVal(u.select.left + u.select.width, 'x'),
              );
              if (range !== null) handlers.current.onZoom(range);
            }
            u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
          },
        ],
      },
    };
    const u = new uPlot(opts, [data.xs, data.events, data.invalidEvents, data.invalidMarks], el);
    let downX = 0;
    const onDown = (e: MouseEvent): void => {
      downX = e.clientX;
    };
    const onClick = (e: MouseEvent): void => {
      if (Math.abs(e.clientX - downX) > 3) return; // the end of a drag, not a click
      const left = e.clientX - u.over.getBoundingClientRect().left;
      const b = data.buckets[bucketAt(u.posToVal(left, 'x'))] ?? null;
      if (b !== null) handlers.current.onOpenTxn(b.maxEventsTxn);
    };
    const onLeave = (): void => {
      tipEl.hidden = true;
    };
    u.over.addEventListener('mousedown', onDown);
    u.over.addEventListener('click', onClick);
    u.over.addEventListener('mouseleave', onLeave);
    const resize = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.destroy();
      tipEl.hidden = true;
    };
  }, [timeline, theme]);

  return (
    <div className="timeline-chart" role="figure" aria-label={label}>
      <div ref={host} className="timeline-canvas" data-testid="timeline-chart" />
      <div ref={tip} className="timeline-tip" role="tooltip" hidden />
    </div>
  );
}
