export const DASHBOARD_CSS = `
.dash-controls { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: end; margin-bottom: 1rem; }
.dash-controls .field { min-width: 10rem; }
.dash-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); gap: 1rem; }
.dash-panel { background: #fff; border-radius: 8px; padding: 0.75rem 1rem; box-shadow: 0 1px 2px rgba(0,0,0,.12); min-width: 0; }
.dash-panel h2 { font-size: 1.05rem; margin: 0 0 0.25rem; }
.dash-question { color: #4a5563; font-size: 0.9rem; margin: 0 0 0.5rem; }
.dash-chart { width: 100%; height: 260px; }
.dash-table-wrap { position: relative; overflow-x: auto; margin-top: 0.5rem; }
.dash-table { border-collapse: collapse; width: 100%; font-size: 0.85rem; }
.dash-table caption { text-align: left; font-weight: 600; padding: 0.25rem 0; color: #2d3748; }
.dash-table th, .dash-table td { padding: 0.3rem 0.5rem; border-bottom: 1px solid #e2e8f0; text-align: left; white-space: nowrap; }
.dash-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.dash-table tr.marked th, .dash-table tr.marked td { background: #fff5eb; font-weight: 600; }
.dash-wide { grid-column: 1 / -1; }
@media (max-width: 600px) { .dash-chart { height: 220px; } }
`;
