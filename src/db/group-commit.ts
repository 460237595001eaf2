// Group commit, as databases do it for their log: a write goes out at once while fewer than
// `concurrency` writes are running; only when items arrive faster than writes commit do they
// queue, and the queued ones share the next write (at most `maxBatch`). Nothing waits to form a
// batch, so one item alone costs no latency, and under load the work per item shrinks.
// Used for the command projections' shared transactions and for the projection marks.

export interface GroupCommitStats {
  /** Writes started. */
  writes: number;
  /** Items they carried. */
  items: number;
  /** The most items one write carried. */
  largest: number;
}

export interface GroupCommit<T> {
  /** Queues the item; it goes in the next write. Each item's outcome is `write`'s to settle. */
  submit(item: T): void;
  stats(): GroupCommitStats;
}

/**
 * `write` gets each batch once and settles every item's outcome itself (a rejected write is
 * ignored here: the items' own promises must carry the failure).
 */
export function createGroupCommit<T>(
  write: (batch: T[]) => Promise<unknown>,
  options: { concurrency: number; maxBatch: number },
): GroupCommit<T> {
  const queue: T[] = [];
  let running = 0;
  const stats: GroupCommitStats = { writes: 0, items: 0, largest: 0 };
  const pump = () => {
    while (running < options.concurrency && queue.length > 0) {
      const batch = queue.splice(0, options.maxBatch);
      running += 1;
      stats.writes += 1;
      stats.items += batch.length;
      stats.largest = Math.max(stats.largest, batch.length);
      let written: Promise<unknown>;
      try {
        written = write(batch);
      } catch (err) {
        // A throw inside `write` (not only a rejection) frees the slot too.
        written = Promise.reject(err);
      }
      void written
        .catch(() => undefined)
        .finally(() => {
          running -= 1;
          pump();
        });
    }
  };
  return {
    submit(item) {
      queue.push(item);
      pump();
    },
    stats: () => ({ ...stats }),
  };
}
