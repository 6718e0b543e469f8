/**
 * Issue 10, scope item 2 (hostile servers): an IMAP server that sends oversized lines, invalid
 * UTF-8, unexpected literals or a 10 MB greeting; a token endpoint that answers a malformed JWT;
 * a Key Vault that answers a JSON bomb. Each is a classified failure of that mailbox, with
 * bounded memory, never a crash, and the healthy mailbox next to it stays ok.
 */
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import type { ConfigInput } from '../../shared/config/schema';
import { resetTokenClients } from '../../shared/token/token-provider';
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario, clientOf, type Endpoints } from './catalogue';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
let endpoints: Endpoints;
const cert = () => issueServerCert(trustedSimCa());
const tried: string[] = [];

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  endpoints = { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } };
});

afterAll(async () => {
  process.stdout.write(`hostile servers: ${tried.length} bad inputs tried (${tried.join('; ')})\n`);
  await tenant?.stop();
});

beforeEach(() => {
  tenant.faults.clear();
  resetTokenClients();
});

const config = (): ConfigInput => {
  const c = catalogueConfig(endpoints, (id) => id === 'ok1' || id === 'envok');
  c.timeouts = { connectMs: 2000, imapCommandMs: 2000, tokenMs: 3000, secretMs: 3000, checkMs: 8000 };
  return c;
};

/** An IMAPS server whose every connection runs `script` (the greeting and answers are up to it). */
async function hostileImap(script: (socket: TLSSocket) => void): Promise<{ port: number; stop: () => Promise<void> }> {
  const sockets = new Set<TLSSocket>();
  const pair = cert();
  const server = createTlsServer({ cert: pair.certPem, key: pair.keyPem }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    script(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers each tagged command with `answer(tag, command)`; the greeting first. */
const scripted = (greeting: string | Buffer, answer: (tag: string, command: string) => string | Buffer | undefined) => (socket: TLSSocket) => {
  socket.write(greeting);
  let buffer = '';
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl).replace(/\r$/, '');
      buffer = buffer.slice(nl + 1);
      const [tag, command] = line.split(' ');
      const reply = answer(tag ?? '*', (command ?? '').toUpperCase());
      if (reply !== undefined && !socket.destroyed) socket.write(reply);
    }
  });
};

const EXCHANGE_CAPS = '* CAPABILITY IMAP4rev1 AUTH=XOAUTH2 SASL-IR ID NAMESPACE\r\n';
const MB = 1024 * 1024;

async function runHostileImap(name: string, script: (socket: TLSSocket) => void, expected: string[]): Promise<void> {
  tried.push(name);
  const server = await hostileImap(script);
  try {
    const c = config();
    c.mailboxes.find((m) => m.id === 'ok1')!.port = server.port;
    const before = process.memoryUsage().rss;
    const { report } = await runAgainst(c, { env: { CATALOGUE_ENV_SECRET: 'Env~catalogue-env-secret-value-0042' } });
    const grew = (process.memoryUsage().rss - before) / MB;
    const r = byId(report).ok1!;
    if (process.env.HOSTILE_DEBUG) process.stdout.write(`${name}: ${grew.toFixed(0)} MB ${JSON.stringify(r.failure).slice(0, 400)}\n`);
    expect(r.status).toBe('failed');
    expect(expected).toContain(r.failure!.code);
    expect(r.failure!.code).not.toBe('INTERNAL');
    expect(r.durationMs).toBeLessThan(8000);
    expect(byId(report).envok!.status).toBe('ok');
    expect(grew).toBeLessThan(200);
    expect(r.failure!.message.length).toBeLessThan(2000);
  } finally {
    await server.stop();
  }
}

describe('#10 hostile IMAP servers', () => {
  it('#10 a 10 MB greeting', async () => {
    await runHostileImap('IMAP: 10 MB greeting', (socket) => socket.write(`* OK ${'A'.repeat(10 * MB)}\r\n`), ['IMAP_PROTOCOL', 'IMAP_TIMEOUT', 'IMAP_CONNECTION_CLOSED']);
  });

  it('#10 an oversized untagged line (20 MB, no end) after the login', async () => {
    await runHostileImap(
      'IMAP: 20 MB line without CRLF',
      scripted(`* OK ready\r\n`, (tag, cmd) => (cmd === 'CAPABILITY' ? `${EXCHANGE_CAPS}${tag} OK done\r\n` : cmd === 'AUTHENTICATE' ? `* ${'X'.repeat(20 * MB)}` : `${tag} OK done\r\n`)),
      ['IMAP_PROTOCOL', 'IMAP_TIMEOUT', 'IMAP_CONNECTION_CLOSED', 'IMAP_AUTH_FAILED'],
    );
  });

  it('#10 invalid UTF-8 in the greeting and in a refusal', async () => {
    await runHostileImap(
      'IMAP: invalid UTF-8',
      scripted(Buffer.concat([Buffer.from('* OK '), Buffer.from([0xc3, 0x28, 0xff, 0xfe, 0xa0, 0xa1]), Buffer.from('\r\n')]), (tag, cmd) =>
        cmd === 'CAPABILITY' ? `${EXCHANGE_CAPS}${tag} OK done\r\n` : Buffer.concat([Buffer.from(`${tag} NO `), Buffer.from([0xed, 0xa0, 0x80, 0xf8, 0x88, 0x80, 0x80, 0x80]), Buffer.from('\r\n')]),
      ),
      ['IMAP_AUTH_FAILED', 'IMAP_PROTOCOL'],
    );
  });

  it('#10 an unexpected literal where a status line belongs', async () => {
    await runHostileImap(
      'IMAP: unexpected literal',
      scripted(`* OK ready\r\n`, (tag, cmd) => (cmd === 'CAPABILITY' ? `${EXCHANGE_CAPS}${tag} OK done\r\n` : `* OK {99999999}\r\nshort\r\n${tag} OK done\r\n`)),
      ['IMAP_PROTOCOL', 'IMAP_TIMEOUT', 'IMAP_CONNECTION_CLOSED', 'IMAP_AUTH_FAILED'],
    );
  });

  it('#10 a tagged answer that is not IMAP, for every command', async () => {
    await runHostileImap('IMAP: HTML for every answer', scripted('* OK ready\r\n', (tag) => `${tag} <html><body>502 Bad Gateway</body></html>\r\n`), ['IMAP_PROTOCOL', 'IMAP_AUTH_FAILED']);
  });
});

describe('#10 hostile HTTP answers', () => {
  it.each([
    ['a malformed JWT (three parts, garbage payload)', 'eyJhbGciOiJSUzI1NiJ9.!!!not-base64!!!.sig'],
    ['a token that is not a JWT at all', 'opaque-token-value'],
    ['a JWT whose payload is a JSON bomb (100k-deep)', `eyJhbGciOiJSUzI1NiJ9.${Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)).toString('base64url')}.sig`],
  ])('#10 the token endpoint answers %s: TOKEN_REQUEST_FAILED, the other mailbox ok', async (name, accessToken) => {
    tried.push(`Entra: ${name}`);
    tenant.faults.set('entra', [{ fault: { kind: 'body', status: 200, body: JSON.stringify({ token_type: 'Bearer', expires_in: 3599, access_token: accessToken }) }, match: clientOf('good') }]);
    const { report } = await runAgainst(config(), { env: { CATALOGUE_ENV_SECRET: 'Env~catalogue-env-secret-value-0042' } });
    const r = byId(report).ok1!;
    expect(r.failure).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', phase: 'token' });
    expect(r.failure!.message).toMatch(/not a JWT|not readable JSON/);
    expect(byId(report).envok!.status).toBe('ok');
  });

  it('#10 the token endpoint answers 5 MB of JSON: refused at 1 MB, TOKEN_ENDPOINT_UNREACHABLE', async () => {
    tried.push('Entra: 5 MB body');
    tenant.faults.set('entra', [{ fault: { kind: 'body', status: 200, body: JSON.stringify({ access_token: 'x'.repeat(5 * MB) }) }, match: clientOf('good') }]);
    const { report } = await runAgainst(config(), { env: { CATALOGUE_ENV_SECRET: 'Env~catalogue-env-secret-value-0042' } });
    expect(byId(report).ok1!.failure).toMatchObject({ code: 'TOKEN_ENDPOINT_UNREACHABLE', phase: 'token' });
    expect(byId(report).ok1!.failure!.message).toContain('exceeds 1 MB');
  });

  it.each([
    ['a 100k-deep nested JSON', () => '{"value":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'],
    ['20 MB of JSON', () => JSON.stringify({ value: 'secret', attributes: { enabled: true }, tags: Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, 'v'.repeat(90)])) })],
    ['JSON that is not an object', () => '"just a string"'],
    ['HTML instead of JSON', () => '<html><body>502 Bad Gateway</body></html>'],
  ])('#10 Key Vault answers %s: a classified secret failure, memory bounded', async (name, body) => {
    tried.push(`Key Vault: ${name}`);
    tenant.faults.set('vault', [{ fault: { kind: 'body', status: 200, body: body() }, match: 'good-secret' }]);
    const before = process.memoryUsage().rss;
    const { report } = await runAgainst(config(), { env: { CATALOGUE_ENV_SECRET: 'Env~catalogue-env-secret-value-0042' } });
    const r = byId(report).ok1!;
    if (process.env.HOSTILE_DEBUG) process.stdout.write(`${name}: ${JSON.stringify(r.failure)}\n`);
    expect(r.status).toBe('failed');
    expect(r.failure!.phase).toBe('secret');
    expect(r.failure!.code).not.toBe('INTERNAL');
    expect((process.memoryUsage().rss - before) / MB).toBeLessThan(300);
    expect(byId(report).envok!.status).toBe('ok');
  });
});
