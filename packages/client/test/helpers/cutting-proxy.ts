import { connect, createServer, type Server, type Socket } from 'node:net';

export interface CuttingProxy {
  readonly path: string;
  /** Resolves when the connection has been cut. */
  readonly cut: Promise<void>;
  close(): Promise<void>;
}

/**
 * A unix-socket relay in front of the agent that cuts the connection (both
 * sides) once `limit` bytes have gone the given way: a deterministic
 * "network dropped mid-transfer".
 */
export function cuttingProxy(path: string, target: string, direction: 'to-agent' | 'to-client', limit: number): Promise<CuttingProxy> {
  let onCut: () => void = () => {};
  const cut = new Promise<void>((resolve) => (onCut = resolve));
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const agent = connect(target);
    sockets.add(client).add(agent);
    let passed = 0;
    const counted = direction === 'to-agent' ? client : agent;
    const other = counted === client ? agent : client;
    counted.on('data', (chunk: Buffer) => {
      passed += chunk.length;
      if (passed >= limit) {
        client.destroy();
        agent.destroy();
        onCut();
        return;
      }
      other.write(chunk);
    });
    (counted === client ? agent : client).on('data', (chunk: Buffer) => counted.write(chunk));
    for (const s of [client, agent]) s.on('error', () => {}).on('close', () => (s === client ? agent : client).destroy());
  });
  return new Promise((resolve) => {
    server.listen(path, () =>
      resolve({
        path,
        cut,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      }),
    );
  });
}
