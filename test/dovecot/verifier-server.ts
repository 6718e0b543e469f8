/**
 * The HTTP endpoint the test Dovecot's Lua passdb asks about each login: POST {user, token} →
 * 200 (Exchange would let this token open this mailbox) or 403. It reads the Exchange state per
 * request, so a test can revoke a grant without restarting Dovecot. Loopback only; tokens are
 * never logged, only the decision.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { authorizeImap } from '../../sim/exchange-rules';
import type { SimExchange } from '../../sim/scenario';

export interface Verifier {
  url: string;
  /** One entry per request: `user → ok` or `user → <reason>`. */
  decisions: string[];
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

async function readJson(req: IncomingMessage): Promise<{ user?: unknown; token?: unknown }> {
  let body = '';
  for await (const chunk of req) {
    body += String(chunk);
    if (body.length > MAX_BODY) throw new Error('body too large');
  }
  return JSON.parse(body) as { user?: unknown; token?: unknown };
}

export async function startVerifier(options: { exchange: () => SimExchange; publicKeyPem: string }): Promise<Verifier> {
  const decisions: string[] = [];
  const server = createServer((req, res) => {
    readJson(req)
      .then(({ user, token }) => {
        if (typeof user !== 'string' || typeof token !== 'string') throw new Error('user and token must be strings');
        const decision = authorizeImap({ token, user, exchange: options.exchange(), publicKeyPem: options.publicKeyPem });
        // Dovecot cannot answer "BAD User is authenticated but not connected." after a good login
        // (docs/SDK-FACTS.md: only a C plugin can), so a mailbox with IMAP disabled is refused at login.
        const reason = !decision.ok ? decision.reason : decision.mailbox.imapEnabled === false ? 'imap-disabled' : null;
        decisions.push(`${user} → ${reason ?? 'ok'}`);
        res.writeHead(reason ? 403 : 200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: !reason, reason }));
      })
      .catch((err: unknown) => {
        decisions.push(`bad request: ${err instanceof Error ? err.message : String(err)}`);
        res.writeHead(400).end();
      });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/verify`,
    decisions,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
