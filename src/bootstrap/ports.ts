import net from 'node:net';

export class PortInUseError extends Error {}

/** Fails with a clear line when a port is taken, before anything else is started. */
export async function assertPortFree(port: number, host: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new PortInUseError(
          err.code === 'EADDRINUSE'
            ? `${variable}: port ${port} on ${host} is already in use`
            : `${variable}: cannot listen on ${host}:${port}: ${err.message}`,
        ),
      );
    });
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
