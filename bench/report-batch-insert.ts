// Buffered multi-row inserts through `pg`: each flush is one INSERT ... SELECT FROM unnest(arrays),
// a single round trip and a single plan for thousands of rows. (COPY would be a little faster but
// needs another dependency; this keeps the seed well inside its time budget.)
import type { Client } from 'pg';

export interface ColumnSpec {
  name: string;
  /** PostgreSQL array element type for unnest, e.g. 'text', 'timestamp(3)', '"OpportunityStatus"'. */
  type: string;
  /** Select expression over the unnested column `u.<name>`; default the column itself. */
  select?: string;
}

export class BatchInserter {
  private readonly columns: unknown[][];
  private pending = 0;
  inserted = 0;

  constructor(
    private readonly client: Client,
    private readonly table: string,
    private readonly specs: readonly ColumnSpec[],
    private readonly batchSize = 5_000,
    /** Runs before each flush: children flush their parents first, or foreign keys fail. */
    private readonly before?: () => Promise<void>,
  ) {
    this.columns = specs.map(() => []);
  }

  async add(row: readonly unknown[]): Promise<void> {
    row.forEach((value, i) => this.columns[i]!.push(value));
    this.pending += 1;
    if (this.pending >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending === 0) return;
    await this.before?.();
    // Table and column names are the bench's own constants, never input.
    const names = this.specs.map((c) => `"${c.name}"`).join(', ');
    const selects = this.specs.map((c) => c.select ?? `u."${c.name}"`).join(', ');
    const unnest = this.specs.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
    const aliases = this.specs.map((c) => `"${c.name}"`).join(', ');
    await this.client.query(
      `INSERT INTO "${this.table}" (${names}) SELECT ${selects} FROM unnest(${unnest}) AS u(${aliases})`,
      this.columns,
    );
    this.inserted += this.pending;
    this.pending = 0;
    for (const column of this.columns) column.length = 0;
  }
}
