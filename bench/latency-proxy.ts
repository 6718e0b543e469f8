/**
 * A userspace latency proxy (netem is not available here: docs/SDK-FACTS.md). Every chunk is held
 * `delayMs` in each direction, in order; the client's first chunk is held two more delays,
 * which is when a real client's first bytes would arrive after the TCP handshake's round trip.
 *
 * Besides time it counts what the wire shows: connections open at once, how long each was held,
 * and round trips — a server answer to a client flight (so a TLS close alert nobody answers is
 * not one). With `inspect`, connections are TLS-terminated behind the delay (the same CA, so the
 * client verifies as usual) and the plaintext IMAP commands are counted by name, then passed on
 * over TLS to the real server.
 */
import { once } from 'node:events';
import net, { type AddressInfo, type Socket } from 'node:net';
import tls from 'node:tls';

export interface ProxyStats {
  connections: number;
  peakOpen: number;
  holdMs: number[];
  roundTrips: number;
  commands: number;
  /** Command names per connection ("ID AUTHENTICATE ..."), counted by sequence. */
  sequences: Map<string, number>;
}

export interface LatencyProxy {
  host: string;
  port: number;
  stats: ProxyStats;
  reset(): void;
  stop(): Promise<void>;
}

export interface ProxyOptions {
  upstream: { host: string; port: number };
  delayMs: number;
  /** TLS-terminate and count IMAP commands (the certificate the client is to trust). */
  inspect?: { certPem: string; keyPem: string };
}

const freshStats = (): ProxyStats => ({ connections: 0, peakOpen: 0, holdMs: [], roundTrips: 0, commands: 0, sequences: new Map() });

/** Delivers chunks to `to` after a fixed delay, in order (one timer per pending chunk is enough: equal delays fire FIFO). */
function delayedPipe(from: Socket, to: Socket, delayMs: number, firstExtraMs: number, onChunk: () => void): void {
  let first = true;
  let ended = false;
  let pending = 0;
  from.on('data', (chunk: Buffer) => {
    onChunk();
    const wait = delayMs + (first ? firstExtraMs : 0);
    first = false;
    pending++;
    setTimeout(() => {
      pending--;
      if (!to.destroyed) to.write(chunk);
      if (ended && pending === 0) to.end();
    }, wait);
  });
  from.on('end', () => {
    ended = true;
    if (pending === 0) setTimeout(() => to.end(), delayMs);
  });
}

export async function startLatencyProxy(options: ProxyOptions): Promise<LatencyProxy> {
  let stats = freshStats();
  let open = 0;
  const sockets = new Set<Socket>();
  const keep = (socket: Socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => socket.destroy());
    socket.once('close', () => sockets.delete(socket));
  };

  // Behind the delay: a TLS terminator that counts the client's IMAP commands.
  let inner: { host: string; port: number } = options.upstream;
  let innerServer: tls.Server | undefined;
  if (options.inspect) {
    innerServer = tls.createServer({ cert: options.inspect.certPem, key: options.inspect.keyPem }, (clientSide) => {
      keep(clientSide);
      const names: string[] = [];
      let partial = '';
      const server = tls.connect({ host: options.upstream.host, port: options.upstream.port });
      keep(server);
      clientSide.on('data', (chunk: Buffer) => {
        const lines = (partial + chunk.toString('latin1')).split('\r\n');
        partial = lines.pop() ?? '';
        for (const line of lines) {
          // "<tag> <COMMAND> ...": continuation lines (SASL responses) have no space-separated name.
          const match = /^[A-Za-z0-9.]+ ([A-Za-z]+)/.exec(line);
          if (match) names.push(match[1]!.toUpperCase());
        }
      });
      clientSide.once('close', () => {
        stats.commands += names.length;
        const key = names.join(' ');
        stats.sequences.set(key, (stats.sequences.get(key) ?? 0) + 1);
      });
      clientSide.pipe(server);
      server.pipe(clientSide);
      server.once('close', () => clientSide.destroy());
      clientSide.once('close', () => server.destroy());
    });
    innerServer.on('connection', keep);
    innerServer.on('tlsClientError', () => undefined);
    innerServer.listen(0, '127.0.0.1');
    await once(innerServer, 'listening');
    inner = { host: '127.0.0.1', port: (innerServer.address() as AddressInfo).port };
  }

  const server = net.createServer((client) => {
    keep(client);
    const opened = performance.now();
    stats.connections++;
    stats.peakOpen = Math.max(stats.peakOpen, ++open);
    const counted = stats;
    const upstream = net.connect(inner.port, inner.host);
    keep(upstream);
    let last: 'client' | 'server' | undefined;
    delayedPipe(client, upstream, options.delayMs, 2 * options.delayMs, () => (last = 'client'));
    delayedPipe(upstream, client, options.delayMs, 0, () => {
      if (last === 'client') counted.roundTrips++;
      last = 'server';
    });
    client.once('close', () => {
      open--;
      counted.holdMs.push(performance.now() - opened);
      setTimeout(() => upstream.destroy(), options.delayMs);
    });
    upstream.once('close', () => setTimeout(() => client.destroy(), options.delayMs));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    get stats() {
      return stats;
    },
    reset() {
      stats = freshStats();
    },
    async stop() {
      const closing = [server, innerServer].filter((s): s is net.Server => Boolean(s)).map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closing);
    },
  };
}
