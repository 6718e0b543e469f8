/**
 * A Storage stand-in for the fault matrices (issue 10): loopback HTTP in front of Azurite that
 * answers the chosen requests with a fault and forwards the rest, so the real SDKs meet a 5xx, a
 * 429 with Retry-After, a reset mid-answer, an answer lost after the write was done, or a slow
 * answer, on the wire.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface StorageFault {
  /** Answer this status (Storage's error body) instead of forwarding. */
  status?: number;
  retryAfter?: string;
  /** Accept the request, start a 200 answer, and destroy the socket part-way through it. */
  reset?: boolean;
  /** Accept the request and never answer (the connection stays open until the client gives up). */
  hang?: boolean;
  /** Forward the request (Azurite does the work), then destroy the socket instead of answering. */
  lostAnswer?: boolean;
  /** How many requests get the fault (every one when omitted); the rest are forwarded to Azurite. */
  times?: number;
  /** Only requests whose method, path and body (`POST /devstoreaccount1/incidents\n{…}`) match can get the fault. */
  only?: RegExp;
  /** Forward each request this late. */
  delayMs?: number;
}

/** What a Storage stand-in saw: requests in all, how many of them got the fault, and each request line. */
export interface StorageStats {
  port: number;
  requests: number;
  faulted: number;
  lines: string[];
  /** Requests that got `hang` and whose connection the client has not closed yet. */
  open: number;
}

/** Serves until `stop` (pushed onto `stops`) runs; `upstream` is Azurite's port for this service. */
export async function storageFaultServer(behaviour: StorageFault, upstream: () => number, stops: (() => Promise<void>)[]): Promise<StorageStats> {
  const stats: StorageStats = { port: 0, requests: 0, faulted: 0, lines: [], open: 0 };
  const forward = (req: import('node:http').IncomingMessage, body: Buffer, onAnswer: (up: import('node:http').IncomingMessage) => void, fail: () => void) => {
    const up = request({ host: '127.0.0.1', port: upstream(), method: req.method, path: req.url, headers: req.headers }, onAnswer);
    up.on('error', fail);
    up.end(body);
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      stats.requests++;
      const line = `${req.method} ${req.url}`;
      stats.lines.push(line);
      const eligible = !behaviour.only || behaviour.only.test(`${line}\n${Buffer.concat(chunks).toString('utf8')}`);
      const faulty = eligible && (behaviour.status || behaviour.reset || behaviour.lostAnswer || behaviour.hang) && (behaviour.times === undefined || stats.faulted < behaviour.times);
      if (faulty && behaviour.hang) {
        stats.faulted++;
        stats.open++;
        req.socket.once('close', () => stats.open--);
        return;
      }
      if (faulty && behaviour.lostAnswer) {
        stats.faulted++;
        forward(req, Buffer.concat(chunks), (up) => (up.resume(), res.socket?.destroy()), () => res.destroy());
        return;
      }
      if (faulty && behaviour.reset) {
        stats.faulted++;
        // Headers promising 400 bytes, 20 of them, then the connection is gone.
        res.writeHead(200, { 'content-type': 'application/json;odata=minimalmetadata', 'content-length': '400' });
        res.write('{"odata.metadata":"h');
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      }
      if (faulty) {
        stats.faulted++;
        const code = behaviour.status === 429 || behaviour.status === 503 ? 'ServerBusy' : 'InternalError';
        const headers = { 'x-ms-error-code': code, ...(behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {}) };
        // Each service's own error body: Table Storage speaks JSON (OData), the queue service XML.
        if (/json/.test(String(req.headers.accept ?? ''))) {
          res.writeHead(behaviour.status!, { 'content-type': 'application/json', ...headers });
          res.end(JSON.stringify({ 'odata.error': { code, message: { lang: 'en-US', value: `simulated ${behaviour.status}` } } }));
        } else {
          res.writeHead(behaviour.status!, { 'content-type': 'application/xml', ...headers });
          res.end(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>simulated ${behaviour.status}</Message></Error>`);
        }
        return;
      }
      setTimeout(() => {
        forward(
          req,
          Buffer.concat(chunks),
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
          () => res.destroy(),
        );
      }, behaviour.delayMs ?? 0);
    });
  });
  const sockets = new Set<Socket>();
  server.on('connection', (s) => (sockets.add(s), s.on('close', () => sockets.delete(s))));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(() => new Promise((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))));
  stats.port = (server.address() as AddressInfo).port;
  return stats;
}
