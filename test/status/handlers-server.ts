/**
 * The status and check handlers behind a plain Node server on loopback, each request turned into
 * the HttpRequest the Functions host builds (the host cannot run here): `/api/status` goes to
 * statusHttp, everything else to checkHttp. For the tests that read the page in Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { checkHttp } from '../../functions/check-http';
import { statusHttp } from '../../functions/status-http';

export async function serveHandlers(invocationId: string): Promise<{ server: Server; base: string }> {
  const server = createServer(async (req, res) => {
    const url = `http://127.0.0.1${req.url}`;
    const request = new HttpRequest({ method: 'GET', url, headers: req.headers as Record<string, string> });
    const context = new InvocationContext({ invocationId, functionName: 'statusHttp', logHandler: () => undefined });
    const response = new URL(url).pathname === '/api/status' ? await statusHttp(request, context) : await checkHttp(request, context);
    res.writeHead(response.status ?? 200, response.headers as Record<string, string>);
    res.end(response.body ?? JSON.stringify(response.jsonBody));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
