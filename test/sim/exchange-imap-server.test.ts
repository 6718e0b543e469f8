import { createServer, type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { createCa, issueServerCert, trustedSimCa } from '../../sim/ca';
import { startExchangeImap, type ExchangeImap } from '../../sim/exchange-imap-server';
import { EXCHANGE_IMAP } from '../../sim/imap-exchange-texts';
import type { Scenario, SimMailbox } from '../../sim/scenario';
import { appToken, refusedLogins, errorFacts, imapClient, makeKey, rejection, testScenario } from './exchange-fixtures';

const key = makeKey();
let scenario: Scenario;
let sim: ExchangeImap;

const mailbox = (address: string): SimMailbox => scenario.exchange.mailboxes.find((m) => m.address === address)!;
const client = (user: string, token = appToken(key), port = sim.port) => imapClient(sim.host, port, user, token);

beforeAll(async () => {
  sim = await startExchangeImap({
    scenario: () => scenario,
    publicKeyPem: key.publicKeyPem,
    tls: issueServerCert(trustedSimCa()),
    throttleBackoffMs: 200,
  });
});
afterAll(() => sim.stop());
beforeEach(() => {
  scenario = testScenario();
});

describe('simulated Exchange Online IMAP with the real imapflow', () => {
  it('opens two mailboxes with one app token and reports the seeded counts', async () => {
    const before = sim.commandLog.length;
    const token = appToken(key);
    for (const [user, messages, unseen] of [
      ['invoices@contoso.com', 3, 2],
      ['hr@contoso.com', 1, 0],
    ] as const) {
      const imap = client(user, token);
      await imap.connect();
      expect(await imap.status('INBOX', { messages: true, unseen: true })).toEqual({ path: 'INBOX', messages, unseen });
      await imap.logout();
    }
    expect(sim.commandLog[before]).toEqual(['CAPABILITY', 'ID', 'AUTHENTICATE', 'CAPABILITY', 'NAMESPACE', 'STATUS', 'LOGOUT']);
  });

  it('selects a folder, finds the unseen messages and their internal dates', async () => {
    const imap = client('invoices@contoso.com');
    await imap.connect();
    const opened = await imap.mailboxOpen('inbox', { readOnly: true });
    expect(opened).toMatchObject({ path: 'INBOX', exists: 3, readOnly: true });
    const unseen = await imap.search({ seen: false }, { uid: true });
    expect(unseen).toEqual([2, 3]);
    const dates: number[] = [];
    for await (const msg of imap.fetch(unseen as number[], { internalDate: true, flags: true }, { uid: true })) {
      dates.push(Date.now() - new Date(msg.internalDate as Date).getTime());
    }
    // 180 and 5 minutes old, to the second (IMAP dates have no milliseconds).
    expect(dates.map((ms) => Math.round(ms / 60_000))).toEqual([180, 5]);
    await imap.logout();
  });

  it('refuses an unregistered service principal, a missing grant, expired and forged tokens', async () => {
    for (const [user, token] of refusedLogins(key)) {
      const err = await rejection(client(user, token).connect());
      expect(errorFacts(err)).toMatchObject({ authenticationFailed: true, responseStatus: 'NO', responseText: EXCHANGE_IMAP.authFailed });
    }
    expect(sim.stats.logins).toBeGreaterThan(0);
  });

  it('applies a revoked grant to the next login without a restart', async () => {
    const first = client('hr@contoso.com');
    await first.connect();
    await first.logout();
    mailbox('hr@contoso.com').fullAccess = [];
    const err = await rejection(client('hr@contoso.com').connect());
    expect(err.authenticationFailed).toBe(true);
  });

  it('reports an unknown folder as NotFound', async () => {
    const imap = client('invoices@contoso.com');
    await imap.connect();
    const err = await rejection(imap.status('Invoices/2026', { messages: true }));
    expect(err.code).toBe('NotFound');
    expect((err.response as Record<string, unknown>).responseText).toBe(EXCHANGE_IMAP.folderMissing('Invoices/2026'));
    await imap.logout();
  });

  it('fails connect() with "User is authenticated but not connected." when IMAP is disabled', async () => {
    const err = await rejection(client('archive@contoso.com').connect());
    expect(errorFacts(err)).toMatchObject({ authenticationFailed: true, response: EXCHANGE_IMAP.notConnected });
  });

  it('answers a throttled folder command with the backoff hint imapflow recognises', async () => {
    mailbox('invoices@contoso.com').fault = 'throttle';
    const imap = client('invoices@contoso.com');
    await imap.connect();
    // status() swallows every failure but NotFound and resolves false; SELECT surfaces the error.
    expect(await imap.status('INBOX', { messages: true })).toBe(false);
    const err = await rejection(imap.mailboxOpen('INBOX'));
    expect(errorFacts(err)).toMatchObject({ code: 'ETHROTTLE', responseStatus: 'NO', responseText: EXCHANGE_IMAP.throttled(200) });
    await imap.logout();
  });

  it('times out on a server that never greets', async () => {
    mailbox('invoices@contoso.com').fault = 'hang-greeting';
    const { port } = sim.endpointFor('invoices@contoso.com');
    expect(port).toBe(sim.silentPort);
    const err = await rejection(client('invoices@contoso.com', appToken(key), port).connect());
    expect(err.code).toBe('GREETING_TIMEOUT');
  });

  it('times out when the server stops answering after the login', async () => {
    mailbox('invoices@contoso.com').fault = 'hang-after-auth';
    const err = await rejection(client('invoices@contoso.com').connect());
    expect(err).toMatchObject({ code: 'ETIMEOUT', message: 'Socket timeout' });
  });

  it('reports a connection closed right after the login', async () => {
    mailbox('invoices@contoso.com').fault = 'close-after-auth';
    const err = await rejection(client('invoices@contoso.com').connect());
    expect(err).toMatchObject({ code: 'ClosedAfterConnectTLS', message: 'Unexpected close' });
  });

  it('answers a folder command with a line that is not IMAP', async () => {
    mailbox('invoices@contoso.com').fault = 'garbage';
    const imap = client('invoices@contoso.com');
    await imap.connect();
    const err = await rejection(imap.mailboxOpen('INBOX'));
    expect(err.code).toBe('ParserError2'); // imapflow's parser refuses the status word 'HTTP/1.1'
    await imap.logout();
  });

  it('rejects a server certificate from an untrusted CA', async () => {
    const rogue = await startExchangeImap({ scenario: () => scenario, publicKeyPem: key.publicKeyPem, tls: issueServerCert(createCa('rogue CA')) });
    try {
      const err = await rejection(client('invoices@contoso.com', appToken(key), rogue.port).connect());
      expect(err.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await rogue.stop();
    }
  });

  it('reports ECONNREFUSED when nothing listens', async () => {
    const probe = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => probe.once('listening', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const err = await rejection(client('invoices@contoso.com', appToken(key), port).connect());
    expect(err.code).toBe('ECONNREFUSED');
  });

  it('speaks XOAUTH2 without SASL-IR (continuation) and refuses PLAIN', async () => {
    const socket = tls.connect({ host: sim.host, port: sim.port });
    const lines: string[] = [];
    let buffered = '';
    const next = async (): Promise<string> => {
      while (!lines.length) {
        await new Promise((resolve) => socket.once('data', resolve)).then((chunk) => {
          buffered += String(chunk);
          const parts = buffered.split('\r\n');
          buffered = parts.pop()!;
          lines.push(...parts);
        });
      }
      return lines.shift()!;
    };
    expect(await next()).toMatch(/^\* OK The Microsoft Exchange IMAP4 service is ready\. \[[A-Za-z0-9+/=]+\]$/);
    socket.write('a1 AUTHENTICATE PLAIN AGludm9pY2VzQGNvbnRvc28uY29tAHNlY3JldA==\r\n');
    expect(await next()).toBe('a1 NO AUTHENTICATE failed.');
    socket.write('a2 AUTHENTICATE XOAUTH2\r\n');
    expect(await next()).toBe('+ ');
    socket.write(`${Buffer.from(`user=invoices@contoso.com\x01auth=Bearer ${appToken(key)}\x01\x01`).toString('base64')}\r\n`);
    expect(await next()).toBe('a2 OK AUTHENTICATE completed.');
    socket.write('a3 ENABLE CONDSTORE\r\na4 LOGOUT\r\n');
    expect(await next()).toBe('a3 BAD Command Error. 10');
    expect(await next()).toBe(`* BYE ${EXCHANGE_IMAP.bye}`);
    expect(await next()).toBe('a4 OK LOGOUT completed.');
    socket.destroy();
  });
});
