// npm run bench:api — milestone-update latency through the API and directly with the Temporal
// client's executeUpdate, side by side against the same server, at 1, 10 and 50 clients.
// The update is a milestone checklist tick (setChecklistItem): repeatable on the same deal, and
// the same Update path as completing a milestone (validator, handler, projection).
import { randomUUID } from 'node:crypto';
import { issueApiToken } from '../src/auth/api-tokens';
import { percentile, startBenchStack } from './lib/stack';
import { setChecklistItemUpdate } from '../workflows/opportunity-messages';

const CONCURRENCY = [1, 10, 50];
const REQUESTS_PER_CLIENT = Number(process.env.BENCH_REQUESTS_PER_CLIENT ?? 40);
const WARMUP_PER_CLIENT = 5;

async function main(): Promise<void> {
  const stack = await startBenchStack({ withApp: 'process' });
  try {
    const manager = await stack.prisma.user.create({
      data: { name: 'Bench Manager', email: 'bench.manager@bench.psm', role: 'manager' },
    });
    const rep = await stack.prisma.user.create({
      data: { name: 'Bench Rep', email: 'bench.rep@bench.psm', role: 'rep', managerId: manager.id },
    });
    const { token } = await issueApiToken(stack.prisma, { userId: rep.id, label: 'bench' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const maxClients = Math.max(...CONCURRENCY);

    // One deal per client, so clients do not queue behind each other inside one workflow.
    const deals: string[] = [];
    for (let i = 0; i < maxClients; i++) {
      const res = await fetch(`${stack.baseUrl}/api/opportunities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: `Bench ${i}`, account: 'Bench Co', amount: 1000 }),
      });
      if (res.status !== 201) throw new Error(`create failed: ${res.status} ${await res.text()}`);
      deals.push(((await res.json()) as { id: string }).id);
    }
    // Wait until every deal has its reporting line (first commands are refused before that).
    for (const id of deals) {
      for (;;) {
        const state = (await (
          await fetch(`${stack.baseUrl}/api/opportunities/${id}`, { headers })
        ).json()) as { reportingLine: unknown };
        if (state.reportingLine) break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }

    let flip = false;
    const viaApi = async (id: string) => {
      flip = !flip;
      const res = await fetch(
        `${stack.baseUrl}/api/opportunities/${id}/checklist/project_initiation/understand_background`,
        {
          method: 'PUT',
          headers: { ...headers, 'Idempotency-Key': randomUUID() },
          body: JSON.stringify({ done: flip }),
        },
      );
      if (res.status !== 200) throw new Error(`api update failed: ${res.status} ${await res.text()}`);
      await res.arrayBuffer();
    };
    const direct = async (id: string) => {
      flip = !flip;
      const requestId = `setChecklistItem:${randomUUID()}`;
      await stack.client.workflow.getHandle(id).executeUpdate(setChecklistItemUpdate, {
        args: [
          {
            requestId,
            actor: { userId: rep.id, role: 'rep' },
            milestone: 'project_initiation',
            item: 'understand_background',
            done: flip,
          },
        ],
        updateId: requestId,
      });
    };

    const run = async (
      clients: number,
      perClient: number,
      fn: (id: string) => Promise<void>,
    ): Promise<number[]> => {
      const samples: number[] = [];
      await Promise.all(
        deals.slice(0, clients).map(async (id) => {
          for (let i = 0; i < perClient; i++) {
            const t = process.hrtime.bigint();
            await fn(id);
            samples.push(Number(process.hrtime.bigint() - t) / 1e6);
          }
        }),
      );
      return samples.sort((a, b) => a - b);
    };

    console.log(
      `milestone-update latency (ms), ${REQUESTS_PER_CLIENT} updates per client, 2-core machine, everything on loopback`,
    );
    console.log('clients | path   |   n  |  p50  |  p99  | p99 API/direct | p99 API-direct');
    for (const clients of CONCURRENCY) {
      await run(clients, WARMUP_PER_CLIENT, viaApi);
      await run(clients, WARMUP_PER_CLIENT, direct);
      // Alternate halves so drift in the server (compaction, GC) hits both paths alike.
      const half = Math.ceil(REQUESTS_PER_CLIENT / 2);
      const api = [
        ...(await run(clients, half, viaApi)),
        ...(await run(clients, REQUESTS_PER_CLIENT - half, viaApi)),
      ].sort((a, b) => a - b);
      const dir = [
        ...(await run(clients, half, direct)),
        ...(await run(clients, REQUESTS_PER_CLIENT - half, direct)),
      ].sort((a, b) => a - b);
      const row = (name: string, s: number[]) =>
        `${String(clients).padStart(7)} | ${name.padEnd(6)} | ${String(s.length).padStart(4)} | ${percentile(s, 50).toFixed(1).padStart(5)} | ${percentile(s, 99).toFixed(1).padStart(5)}`;
      console.log(row('direct', dir));
      const ratio = percentile(api, 99) / percentile(dir, 99);
      const diff = percentile(api, 99) - percentile(dir, 99);
      const ok = ratio <= 1.25 || diff <= 5 ? 'meets target' : 'MISSES target';
      console.log(
        `${row('api', api)} | ${ratio.toFixed(2).padStart(14)} | ${diff.toFixed(1).padStart(6)} ms (${ok})`,
      );
    }
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
