/** Loopback endpoints that fail in specific ways, and a resolver that never leaves the machine. */
import { createServer as createNetServer, type AddressInfo, type LookupFunction, type Server } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { createCa, issueServerCert } from '../../sim/ca';

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** An IMAPS server whose certificate comes from a CA nobody trusts. */
export async function untrustedTlsServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  const cert = issueServerCert(createCa('untrusted test CA'));
  const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => socket.end('* OK ready\r\n'));
  const port = await listen(server as unknown as Server);
  return { port, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Listens on loopback and tracks every raw connection, so stop() also ends connections the server
 * never answers; `onConnection` decides what (if anything) is said.
 */
async function trackedServer(server: Server, onConnection: (socket: import('node:net').Socket) => void = () => undefined): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket: import('node:net').Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  const port = await listen(server);
  return {
    port,
    stop: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A plain-text IMAP greeting where TLS is expected (port 143 configured as 993). */
export function plainImapServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  return trackedServer(createNetServer(), (socket) => socket.write('* OK IMAP4rev1 plain service ready\r\n'));
}

/**
 * Names ending in .test resolve to nothing and everything else to loopback, without a DNS query:
 * the sandbox allows no traffic beyond 127.0.0.0/8.
 */
export const loopbackLookup: LookupFunction = (hostname, options, callback) => {
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
  if (hostname.endsWith('.test')) {
    const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND', hostname });
    (callback as (e: Error) => void)(error);
  } else if (all) {
    (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address: '127.0.0.1', family: 4 }]);
  } else {
    (callback as (e: null, a: string, f: number) => void)(null, '127.0.0.1', 4);
  }
};

/** Accepts TCP connections and never sends a byte (no TLS handshake, no greeting). */
export function silentTcpServer(): Promise<{ port: number; stop: () => Promise<void> }> {
  return trackedServer(createNetServer());
}

/** Completes a trusted TLS handshake and then never answers (an HTTPS or IMAPS server that stalls after TLS). */
export function silentTlsServer(cert: { certPem: string; keyPem: string }): Promise<{ port: number; stop: () => Promise<void> }> {
  const server = createTlsServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => socket.on('error', () => undefined));
  return trackedServer(server as unknown as Server);
}
