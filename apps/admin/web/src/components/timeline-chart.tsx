import {
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import { type Timeline } from '../api/types';

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

export interface Series {
  key: 'processed' | 'failed' | 'retried' | 'deadLettered' | 'pending' | 'deadLetters' | 'scheduled';
  label: string;
  color: string;
}

const label = (iso: string): string => {
  const d = new Date(iso);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** A Chart.js line chart of some of the timeline's series; the chart is updated, not rebuilt, on poll. */
export function TimelineChart({
  timeline,
  series,
  title,
}: {
  timeline: Timeline;
  series: Series[];
  title: string;
}) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'line', number[], string> | null>(null);

  useEffect(() => {
    if (!canvas.current) return undefined;
    chart.current = new Chart(canvas.current, {
      type: 'line',
      data: { labels: [], datasets: [] },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        interaction: { mode: 'index', intersect: false },
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
        scales: {
          x: { ticks: { maxTicksLimit: 8 }, grid: { display: false } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    });
    return () => {
      chart.current?.destroy();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const c = chart.current;
    if (!c) return;
    c.data.labels = timeline.points.map((p) => label(p.at));
    c.data.datasets = series.map((s) => ({
      label: s.label,
      data: timeline.points.map((p) => p[s.key]),
      borderColor: s.color,
      backgroundColor: s.color,
      borderWidth: 2,
      pointRadius: 0,
      tension: 0.2,
    }));
    c.update();
  }, [timeline, series]);

  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div class="chart-box">
        <canvas ref={canvas} role="img" aria-label={title} />
      </div>
    </figure>
  );
}
