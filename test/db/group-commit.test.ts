// The group-commit pump shared by the command projections and the projection marks (pure logic:
// the writes here are promises the test settles).
import { createGroupCommit } from '../../src/db/group-commit';

function deferred() {
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setImmediate(r));

test('an item alone is written at once; items arriving while writes run share the next one', async () => {
  const writes: { batch: number[]; done: ReturnType<typeof deferred> }[] = [];
  const group = createGroupCommit<number>(
    (batch) => {
      const done = deferred();
      writes.push({ batch, done });
      return done.promise;
    },
    { concurrency: 2, maxBatch: 3 },
  );
  group.submit(1);
  group.submit(2);
  expect(writes.map((w) => w.batch)).toEqual([[1], [2]]);
  for (const n of [3, 4, 5, 6, 7]) group.submit(n);
  // Both slots busy: nothing more goes out until one commits.
  expect(writes).toHaveLength(2);
  writes[0]!.done.resolve();
  await flush();
  expect(writes.map((w) => w.batch)).toEqual([[1], [2], [3, 4, 5]]);
  // A failed write frees its slot too (its items' outcomes are the write's to settle).
  writes[1]!.done.reject(new Error('down'));
  await flush();
  expect(writes.map((w) => w.batch)).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
  writes[2]!.done.resolve();
  writes[3]!.done.resolve();
  await flush();
  expect(group.stats()).toEqual({ writes: 4, items: 7, largest: 3 });
});

test('a write that throws instead of rejecting frees its slot as well', async () => {
  const batches: number[][] = [];
  const group = createGroupCommit<number>(
    (batch) => {
      batches.push(batch);
      if (batch.includes(1)) throw new Error('bug');
      return Promise.resolve();
    },
    { concurrency: 1, maxBatch: 10 },
  );
  group.submit(1);
  group.submit(2);
  await flush();
  await flush();
  expect(batches).toEqual([[1], [2]]);
});
