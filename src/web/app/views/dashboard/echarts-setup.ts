// The parts of ECharts the dashboard draws with, and nothing else (echarts/core is tree-shaken:
// about 187 kB gzipped with these, against 383 kB for the whole library). The SVG renderer keeps
// the charts' text in the DOM. Imported lazily by chart.tsx, so it is a chunk of its own.
import { BarChart, FunnelChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export { echarts };
