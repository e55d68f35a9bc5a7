import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP port that refuses connections until opened, then forwards them to a real engine: a client
 * configured with this port sees the engine away, then back. Kafka clients reach brokers at their
 * advertised address once bootstrapped, so for Kafka this models "away at first contact".
 */
export interface TcpGate {
  readonly address: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

export async function createTcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  // A free port, released again: connections to it are refused until open() listens on it.
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  return {
    address: `127.0.0.1:${port}`,
    async open() {
      server = createServer((inbound) => {
        const outbound = createConnection(target);
        for (const socket of [inbound, outbound]) {
          sockets.add(socket);
          socket.on('error', () => socket.destroy());
          socket.on('close', () => sockets.delete(socket));
        }
        inbound.on('close', () => outbound.destroy());
        outbound.on('close', () => inbound.destroy());
        inbound.pipe(outbound).pipe(inbound);
      });
      server.listen(port, '127.0.0.1');
      await once(server, 'listening');
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server) await new Promise((resolve) => server?.close(resolve));
    },
  };
}
