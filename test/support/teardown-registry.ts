// globalSetup and globalTeardown run in the same process; this carries the cleanups across.
type Cleanup = () => Promise<void>;
const key = Symbol.for('psm.test.teardown');
type Holder = { [key]?: Cleanup[] };

export function registerTeardown(cleanup: Cleanup): void {
  const holder = globalThis as Holder;
  (holder[key] ??= []).push(cleanup);
}

export async function runTeardowns(): Promise<void> {
  const holder = globalThis as Holder;
  const cleanups = (holder[key] ?? []).reverse();
  holder[key] = [];
  for (const cleanup of cleanups)
    await cleanup().catch((err: unknown) => console.error('teardown failed', err));
}
