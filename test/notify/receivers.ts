/**
 * Local HTTPS receivers for the channel tests: record each request; answer 200, 500, never,
 * Express's default 404 (which quotes the request's path, the webhook's key in it), or a redirect.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serverTls } from '../sim/https-tenant-fixture';

export interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  mode: 'ok' | 'error' | 'hang' | 'not-found' | 'redirect';
  /** Where 'redirect' sends the client. */
  location?: string;
  /** What 'error' answers instead of "internal error" (a hostile receiver's body), given the request's path. */
  answer?: (path: string) => string;
  stop(): Promise<void>;
}

export async function startReceiver(mode: Receiver['mode'] = 'ok'): Promise<Receiver> {
  const tls = serverTls();
  const received: Received[] = [];
  const receiver = { received, mode } as Receiver;
  const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (receiver.mode === 'hang') return;
      if (receiver.mode === 'not-found') {
        // Express's finalhandler, byte for byte apart from the path.
        const page = `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot ${req.method} ${req.url}</pre>\n</body>\n</html>\n`;
        res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'x-powered-by': 'Express' });
        return void res.end(page);
      }
      if (receiver.mode === 'redirect') {
        res.writeHead(307, { location: receiver.location ?? '/elsewhere' });
        return void res.end();
      }
      res.writeHead(receiver.mode === 'ok' ? 200 : 500, { 'content-type': 'text/plain' });
      res.end(receiver.mode === 'ok' ? 'ok' : (receiver.answer?.(req.url ?? '') ?? 'internal error'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // The path carries a token, as real webhook URLs do: it must never show up in a message.
  receiver.url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/sig-token-3f9a`;
  receiver.stop = () =>
    new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}
