// Base of the local IM protocol servers (WeCom, DingTalk, Feishu): a loopback HTTP server with a
// route table subclasses fill in, a record of every request received, and sliding-window counters
// for the platforms' rate limits. H6 extends the platform classes with callback endpoints by
// calling `this.route(...)` in a subclass constructor; nothing here needs editing for that.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export interface Reply {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export type Handler = (req: ReceivedRequest) => Reply | Promise<Reply>;

export class ImProtocolServer {
  readonly received: ReceivedRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private server: http.Server | undefined;
  private port = 0;
  /** The clock the server checks signatures and windows with (tests may move it). */
  now: () => number = Date.now;

  protected route(method: 'GET' | 'POST' | 'PUT', path: string, handler: Handler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** Prefix routes (e.g. /open-apis/bot/v2/hook/<id>): the handler sees the full path. */
  private readonly prefixes: { method: string; prefix: string; handler: Handler }[] = [];
  protected routePrefix(method: 'GET' | 'POST', prefix: string, handler: Handler): void {
    this.prefixes.push({ method, prefix, handler });
  }

  get baseUrl(): string {
    if (!this.server) throw new Error('server not started');
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private readonly failures = new Map<string, number>();
  /** The next `count` requests to `path` answer HTTP 500 (a platform outage), before any check. */
  failNext(path: string, count = 1): void {
    this.failures.set(path, count);
  }

  /** Requests to one path (e.g. every message send). */
  requestsTo(path: string): ReceivedRequest[] {
    return this.received.filter((r) => r.path === path || r.path.startsWith(`${path}/`));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    let body: unknown = raw;
    if (raw && /json/.test(req.headers['content-type'] ?? '')) {
      try {
        body = JSON.parse(raw);
      } catch {
        body = raw;
      }
    }
    const received: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      at: this.now(),
    };
    this.received.push(received);
    const handler =
      this.routes.get(`${received.method} ${received.path}`) ??
      this.prefixes.find((p) => p.method === received.method && received.path.startsWith(p.prefix))?.handler;
    let reply: Reply;
    const failing = this.failures.get(received.path) ?? 0;
    if (failing > 0) {
      this.failures.set(received.path, failing - 1);
      res.writeHead(500, { 'content-type': 'text/html' });
      res.end('<html>502 Bad Gateway</html>');
      return;
    }
    try {
      reply = handler ? await handler(received) : { status: 404, body: { error: 'no such endpoint' } };
    } catch (error) {
      reply = { status: 500, body: { error: String(error) } };
    }
    res.writeHead(reply.status ?? 200, {
      'content-type': 'application/json; charset=utf-8',
      ...reply.headers,
    });
    res.end(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
  }
}

/** Sliding-window counts per key, as the platforms enforce their limits. */
export class RateWindow {
  private readonly hits = new Map<string, number[]>();
  constructor(
    private readonly limits: { windowMs: number; max: number }[],
    private readonly now: () => number,
  ) {}

  /** Records a hit unless some window is full; true when it was within every limit. */
  take(key: string): boolean {
    const t = this.now();
    const longest = Math.max(...this.limits.map((l) => l.windowMs));
    const list = (this.hits.get(key) ?? []).filter((h) => h > t - longest);
    this.hits.set(key, list);
    for (const l of this.limits) if (list.filter((h) => h > t - l.windowMs).length >= l.max) return false;
    list.push(t);
    return true;
  }
}

export const randomToken = (prefix: string): string =>
  `${prefix}${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
