// Times an async operation N times from `clients` concurrent loops and returns the wall time and
// this process's CPU per operation (the benches' "ms/op wall | app CPU ms/op" columns).
export interface OpTiming {
  wallMs: number;
  cpuMs: number;
}

export async function timeOps(fn: () => Promise<unknown>, n: number, clients: number): Promise<OpTiming> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next++ < n) await fn();
    }),
  );
  const wall = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { wallMs: wall / n, cpuMs: (cpu.user + cpu.system) / 1000 / n };
}

/** One row of the table: case name, clients, wall ms/op, CPU ms/op. */
export function timingRow(name: string, clients: number, t: OpTiming, width = 33): string {
  return `${name.padEnd(width)} | ${String(clients).padStart(7)} | ${t.wallMs.toFixed(3).padStart(10)} | ${t.cpuMs.toFixed(3).padStart(13)}`;
}
