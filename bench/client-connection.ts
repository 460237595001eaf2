// npx tsx bench/client-connection.ts — the Temporal client's cost per Update in the calling
// process, on the dev server, with a bare Update workflow: the pure-JS gRPC Connection
// (@temporalio/client, grpc-js) against the worker's NativeConnection (the SDK's Rust core, which
// @temporalio/client also accepts). The API sends every command this way, so what the client
// costs in JS is CPU the API's event loop cannot spend on requests.
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { startDevServer } from '../src/temporal/dev-server';
import { freePort } from '../scripts/lib/pg-cluster';
import { projectRoot } from '../src/paths';
import { percentile } from './lib/stack';
import { touchUpdate } from './workflows';

const UPDATES = Number(process.env.BENCH_UPDATES ?? 2000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 10);

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const server = await startDevServer({
    cliPath: path.join(projectRoot(), '.tools/venv/bin/temporal'),
    port: await freePort(),
  });
  try {
    const workerConnection = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: workerConnection,
      taskQueue: 'bench-client',
      workflowsPath: path.join(__dirname, 'workflows'),
    });
    await worker.runUntil(async () => {
      const candidates: [string, () => Promise<Client>][] = [
        [
          'grpc-js Connection',
          async () => new Client({ connection: await Connection.connect({ address: server.address }) }),
        ],
        [
          'NativeConnection',
          async () => new Client({ connection: await NativeConnection.connect({ address: server.address }) }),
        ],
      ];
      const results: string[] = [];
      for (let round = 0; round < 2; round++) {
        for (const [name, make] of candidates) {
          const client = await make();
          const ids = await Promise.all(
            Array.from({ length: CLIENTS }, async (_, i) => {
              const id = `bare-${name.replace(/\W/g, '')}-${round}-${i}`;
              await client.workflow.start('bareUpdate', { taskQueue: 'bench-client', workflowId: id });
              return id;
            }),
          );
          const once = (id: string) =>
            client.workflow.getHandle(id).executeUpdate(touchUpdate, { args: [1] });
          for (const id of ids) for (let w = 0; w < 10; w++) await once(id);
          const samples: number[] = [];
          const cpu0 = process.cpuUsage();
          const t0 = performance.now();
          await Promise.all(
            ids.map(async (id) => {
              for (let i = 0; i < UPDATES / CLIENTS; i++) {
                const t = performance.now();
                await once(id);
                samples.push(performance.now() - t);
              }
            }),
          );
          const wall = performance.now() - t0;
          const cpu = process.cpuUsage(cpu0);
          samples.sort((a, b) => a - b);
          results.push(
            `${name.padEnd(20)} round ${round + 1}: process CPU ${((cpu.user + cpu.system) / 1000 / samples.length).toFixed(2)} ms/update (client + worker), p50 ${percentile(samples, 50).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms, ${((samples.length * 1000) / wall).toFixed(0)} updates/s`,
          );
          await Promise.all(ids.map((id) => client.workflow.getHandle(id).terminate()));
          await client.connection.close();
        }
      }
      console.log(`${UPDATES} Updates from ${CLIENTS} clients, worker in this process:`);
      for (const r of results) console.log(`  ${r}`);
    });
    await workerConnection.close();
  } finally {
    await server.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
