/**
 * The few HTTP chores the simulated Entra, Key Vault and managed-identity endpoints share. Each
 * server binds to 127.0.0.1 only (the simulator must never be reachable from elsewhere) and
 * stop() tears down every connection, including requests the simulator chose never to answer
 * (a 'hang' fault), so a test process can exit cleanly.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Bodies the SDKs send are a few KB; anything bigger is a bug or abuse, not a token request. */
export const MAX_BODY_BYTES = 64 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body over ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text).toString(),
    // Token and secret responses must never be cached by anything in between (Entra and Key Vault
    // send the same).
    'cache-control': 'no-store, no-cache',
    ...headers,
  });
  res.end(text);
}

/** Listen on an ephemeral loopback port; resolves with the port. */
export function listenLoopback(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stop accepting, drop every open connection (idle keep-alive and hung requests alike). */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

/** Request path and query, parsed against a dummy base (only the path matters here). */
export function requestUrl(req: IncomingMessage): URL {
  return new URL(req.url ?? '/', 'http://127.0.0.1');
}
