// A chart's numbers as a real table (caption, column headers, row headers) for screen readers and
// for anyone who wants the exact figures; wide tables scroll inside their box on a phone.
import type { Table } from './dashboard-charts';

export function DataTable({ table, caption, id }: { table: Table; caption: string; id: string }) {
  const marked = new Set(table.marked ?? []);
  return (
    <div class="dash-table-wrap" tabIndex={0} role="region" aria-labelledby={`${id}-caption`}>
      <table class="dash-table" id={id}>
        <caption id={`${id}-caption`}>{caption}</caption>
        <thead>
          <tr>
            {table.headers.map((h, i) => (
              <th key={i} scope="col" class={table.numeric.includes(i) ? 'num' : undefined}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            <tr key={r} class={marked.has(r) ? 'marked' : undefined}>
              {row.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row">
                    {cell}
                  </th>
                ) : (
                  <td key={i} class={table.numeric.includes(i) ? 'num' : undefined}>
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
