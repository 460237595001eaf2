// A TCP proxy in front of the test PostgreSQL, for one app instance: cutting it is that
// instance's database outage (connections dropped, new ones refused) while everyone else's
// database stays up. It can cut at an exact point: right after the server confirmed a statement
// whose SQL contains a given text (it reads the wire protocol's message boundaries for that).
import net from 'node:net';

export interface PgProxy {
  port: number;
  /** The database URL, through the proxy. */
  url: string;
  /** Drops every connection and refuses new ones. */
  cut(): void;
  /** Accepts connections again (on the same port). */
  restore(): Promise<void>;
  /** Cuts once the server has answered (ReadyForQuery) a statement whose SQL contains `sql`. */
  cutAfter(sql: string): Promise<number>;
  close(): Promise<void>;
}

export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | undefined;
  let port = 0;
  let trigger: { sql: string; resolve: (at: number) => void } | undefined;

  const cut = () => {
    server?.close();
    server = undefined;
    for (const s of sockets) s.destroy();
    sockets.clear();
  };

  const onConnection = (client: net.Socket) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    sockets.add(client);
    sockets.add(upstream);
    let recentSql = '';
    let armed = false;
    let pending = Buffer.alloc(0);
    client.on('data', (chunk) => {
      if (trigger) {
        recentSql = (recentSql + chunk.toString('latin1')).slice(-8192);
        if (recentSql.includes(trigger.sql)) armed = true;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (!armed) {
        client.write(chunk);
        return;
      }
      // Forward message by message; after the ReadyForQuery that ends the statement, cut.
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5) {
        const length = pending.readInt32BE(1);
        if (pending.length < 1 + length) break;
        const message = pending.subarray(0, 1 + length);
        pending = pending.subarray(1 + length);
        client.write(message);
        if (message[0] === 0x5a /* Z */) {
          const t = trigger;
          trigger = undefined;
          armed = false;
          // Let the answer reach the client before everything goes down.
          setImmediate(() => {
            cut();
            t?.resolve(Date.now());
          });
          return;
        }
      }
    });
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', close);
    upstream.on('error', close);
    client.on('close', close);
    upstream.on('close', close);
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer(onConnection);
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();
  const url = new URL(databaseUrl);
  url.hostname = '127.0.0.1';
  url.port = String(port);

  return {
    port,
    url: url.toString(),
    cut,
    restore: listen,
    cutAfter: (sql) =>
      new Promise<number>((resolve) => {
        trigger = { sql, resolve };
      }),
    async close() {
      cut();
    },
  };
}
