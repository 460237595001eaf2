// Temporal over TLS: the config refuses half or unreadable TLS settings with a line naming the
// variable and keeps secrets out of anything that prints it; and a client and a worker really
// present their certificate. The dev server speaks no TLS, so a TLS-terminating proxy in front of
// it (requestCert + rejectUnauthorized, a throwaway CA made by openssl) stands in for a cluster
// that requires mTLS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { ConfigError, loadConfig } from '../../src/config';
import { connectClient, connectWorker, TemporalUnreachableError } from '../../src/temporal/connect';
import { temporalAddress } from '../support/temporal';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'psm-tls-'));
const file = (name: string) => path.join(dir, name);

function openssl(...args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
}

/** A CA, a server certificate for temporal.test and a client certificate, all signed by the CA. */
function makeCertificates(): void {
  openssl(
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=PSM Test CA'],
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
  );
  for (const [name, cn, ext] of [
    ['server', 'temporal.test', 'subjectAltName=DNS:temporal.test'],
    ['client', 'psm-worker', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl(
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${cn}`,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
    );
    fs.writeFileSync(file(`${name}.ext`), `${ext}\n`);
    openssl(
      ...['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial'],
      ...['-days', '1', '-extfile', `${name}.ext`, '-out', `${name}.pem`],
    );
  }
}

const base = { TEMPORAL_ADDRESS: '127.0.0.1:7233' };

beforeAll(makeCertificates);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('Temporal TLS and API key config', () => {
  const refusal = (env: Record<string, string>): string => {
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      return (err as Error).message;
    }
    throw new Error('config accepted');
  };

  it('is plain gRPC with nothing set', () => {
    expect(loadConfig(base).temporal.security).toEqual({});
  });

  it('refuses a certificate without its key, and a key without its certificate', () => {
    expect(refusal({ ...base, TEMPORAL_TLS_CERT: file('client.pem') })).toMatch(/^TEMPORAL_TLS_KEY: /);
    expect(refusal({ ...base, TEMPORAL_TLS_KEY: file('client.key') })).toMatch(/^TEMPORAL_TLS_CERT: /);
  });

  it('refuses files that are missing, unreadable or not PEM, naming the variable', () => {
    const cert = file('client.pem');
    expect(
      refusal({ ...base, TEMPORAL_TLS_CERT: file('nope.pem'), TEMPORAL_TLS_KEY: file('client.key') }),
    ).toMatch(/^TEMPORAL_TLS_CERT: cannot read .*nope\.pem: ENOENT/);
    expect(refusal({ ...base, TEMPORAL_TLS_CERT: cert, TEMPORAL_TLS_KEY: dir })).toMatch(
      /^TEMPORAL_TLS_KEY: cannot read/,
    );
    fs.writeFileSync(file('garbage.pem'), 'not a certificate');
    expect(refusal({ ...base, TEMPORAL_TLS_CA: file('garbage.pem') })).toMatch(
      /^TEMPORAL_TLS_CA: .* not a PEM file/,
    );
  });

  it('refuses TLS settings without TEMPORAL_ADDRESS, and TEMPORAL_TLS=false with an API key', () => {
    expect(refusal({ TEMPORAL_API_KEY: 'k'.repeat(40) })).toMatch(
      /^TEMPORAL_API_KEY: needs TEMPORAL_ADDRESS/,
    );
    expect(refusal({ ...base, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'k'.repeat(40) })).toMatch(
      /^TEMPORAL_TLS: /,
    );
  });

  it('turns TLS on for an API key, and never prints the key or the API key', () => {
    const apiKey = 'psm-test-api-key-0123456789abcdef';
    const config = loadConfig({
      ...base,
      TEMPORAL_API_KEY: apiKey,
      TEMPORAL_TLS_CERT: file('client.pem'),
      TEMPORAL_TLS_KEY: file('client.key'),
    });
    expect(config.temporal.security.apiKey).toBe(apiKey);
    expect(config.temporal.security.tls?.clientCertPair?.key.toString()).toContain('PRIVATE KEY');
    const printed = JSON.stringify(config);
    expect(printed).not.toContain(apiKey);
    expect(printed).not.toContain('PRIVATE KEY');
    expect(JSON.stringify(loadConfig({ ...base, TEMPORAL_TLS: 'true' }).temporal.security)).toBe(
      '{"tls":{}}',
    );
  });
});

describe('Temporal through a proxy that requires a client certificate', () => {
  let proxy: tls.Server;
  let address: string;
  const clients: string[] = [];
  const sockets = new Set<net.Socket>();

  beforeAll(async () => {
    const [host, port] = temporalAddress().split(':');
    proxy = tls.createServer(
      {
        key: fs.readFileSync(file('server.key')),
        cert: fs.readFileSync(file('server.pem')),
        ca: fs.readFileSync(file('ca.pem')),
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      },
      (socket) => {
        clients.push(String(socket.getPeerCertificate().subject?.CN));
        const upstream = net.connect(Number(port), host);
        sockets.add(socket).add(upstream);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      },
    );
    proxy.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    address = `127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => proxy.close(r));
  });

  const env = (extra: Record<string, string>) => ({
    TEMPORAL_ADDRESS: address,
    TEMPORAL_TLS_CA: file('ca.pem'),
    TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
    ...extra,
  });

  it('connects the client and the worker with the certificate from config', async () => {
    const { security, namespace } = loadConfig(
      env({ TEMPORAL_TLS_CERT: file('client.pem'), TEMPORAL_TLS_KEY: file('client.key') }),
    ).temporal;
    const client = await connectClient(address, namespace, security);
    await client.connection.workflowService.getSystemInfo({});
    await client.connection.close();
    const worker = await connectWorker(address, namespace, security);
    await worker.close();
    expect(clients.filter((cn) => cn === 'psm-worker').length).toBeGreaterThanOrEqual(2);
  });

  it('is refused without a client certificate (the proxy really demands one)', async () => {
    const { security, namespace } = loadConfig(env({})).temporal;
    await expect(connectClient(address, namespace, security)).rejects.toBeInstanceOf(
      TemporalUnreachableError,
    );
    await expect(connectWorker(address, namespace, security)).rejects.toBeInstanceOf(
      TemporalUnreachableError,
    );
  });
});

describe('Temporal with an API key', () => {
  it('sends the key (and the namespace) over TLS from the client and the worker', async () => {
    // An HTTP/2 server reads the gRPC headers, records them and answers UNAUTHENTICATED.
    const seen: { authorization?: string; namespace?: string }[] = [];
    const server = http2.createSecureServer({
      key: fs.readFileSync(file('server.key')),
      cert: fs.readFileSync(file('server.pem')),
    });
    const sessions = new Set<http2.ServerHttp2Session>();
    server.on('session', (session) => sessions.add(session));
    server.on('stream', (stream, headers) => {
      seen.push({
        authorization: headers.authorization as string | undefined,
        namespace: headers['temporal-namespace'] as string | undefined,
      });
      stream.respond(
        { ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16' },
        { endStream: true },
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const address = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const apiKey = 'psm-test-api-key-0123456789abcdef';
      const { security } = loadConfig({
        TEMPORAL_ADDRESS: address,
        TEMPORAL_NAMESPACE: 'psm.acct',
        TEMPORAL_API_KEY: apiKey,
        TEMPORAL_TLS_CA: file('ca.pem'),
        TEMPORAL_TLS_SERVER_NAME: 'temporal.test',
      }).temporal;
      await expect(connectClient(address, 'psm.acct', security)).rejects.toBeInstanceOf(
        TemporalUnreachableError,
      );
      const clientCalls = seen.length;
      await expect(connectWorker(address, 'psm.acct', security)).rejects.toBeInstanceOf(
        TemporalUnreachableError,
      );
      expect(clientCalls).toBeGreaterThan(0);
      expect(seen.length).toBeGreaterThan(clientCalls);
      for (const call of seen)
        expect(call).toEqual({ authorization: `Bearer ${apiKey}`, namespace: 'psm.acct' });
    } finally {
      for (const session of sessions) session.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
