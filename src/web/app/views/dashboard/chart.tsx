// One chart: ECharts drawing into a div, hidden from screen readers (role img with a summary),
// its numbers in the table the caller renders beside it. ECharts loads on first use.
import { useEffect, useRef } from 'preact/hooks';
import type * as EChartsSetup from './echarts-setup';

export type ChartOption = Record<string, unknown>;

type EChartsModule = typeof EChartsSetup;
let loading: Promise<EChartsModule> | null = null;
const loadECharts = () => (loading ??= import('./echarts-setup'));

export function Chart({ option, summary, id }: { option: ChartOption; summary: string; id: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let disposed = false;
    let chart: { setOption(o: unknown, notMerge?: boolean): void; resize(): void; dispose(): void } | null =
      null;
    const onResize = () => chart?.resize();
    void loadECharts().then(({ echarts }) => {
      if (disposed || !ref.current) return;
      chart = echarts.init(ref.current, undefined, { renderer: 'svg' });
      chart.setOption({ animation: false, ...option }, true);
      ref.current.dataset.rendered = 'true';
      window.addEventListener('resize', onResize);
    });
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      chart?.dispose();
    };
  }, [option]);
  return <div ref={ref} id={id} class="dash-chart" role="img" aria-label={summary} />;
}
