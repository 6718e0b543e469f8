/**
 * The same Exchange rules on a real IMAP server: Dovecot with a Lua passdb that asks the verifier
 * (sim/exchange-rules.ts). Proves the probe's assumptions hold against real IMAP, not just against
 * our own scripted double.
 */
import { createCa, issueServerCert, trustedSimCa } from '../../sim/ca';
import type { Scenario, SimMailbox } from '../../sim/scenario';
import { appToken, refusedLogins, errorFacts, imapClient, makeKey, rejection, testScenario } from '../sim/exchange-fixtures';
import { startDovecot, type Dovecot } from './dovecot-harness';

const key = makeKey();
const scenario: Scenario = testScenario();
let dovecot: Dovecot;

const mailbox = (address: string): SimMailbox => scenario.exchange.mailboxes.find((m) => m.address === address)!;
const client = (user: string, token = appToken(key), port = dovecot.port) => imapClient(dovecot.host, port, user, token);

beforeAll(async () => {
  dovecot = await startDovecot({ exchange: () => scenario.exchange, publicKeyPem: key.publicKeyPem, tls: issueServerCert(trustedSimCa()) });
});
afterAll(async () => {
  await dovecot?.stop();
});

describe('Dovecot with the Exchange-rules verifier and the real imapflow', () => {
  it('opens two mailboxes with one app token; STATUS counts match the seeded maildirs', async () => {
    const token = appToken(key);
    for (const [user, folder, messages, unseen] of [
      ['invoices@contoso.com', 'INBOX', 3, 2],
      ['invoices@contoso.com', 'Scans', 1, 1],
      ['hr@contoso.com', 'INBOX', 1, 0],
    ] as const) {
      const imap = client(user, token);
      await imap.connect();
      expect(await imap.status(folder, { messages: true, unseen: true })).toEqual({ path: folder, messages, unseen });
      await imap.logout();
    }
  });

  it('reports the arrival time of the oldest unseen message as INTERNALDATE', async () => {
    const imap = client('invoices@contoso.com');
    await imap.connect();
    await imap.mailboxOpen('INBOX', { readOnly: true });
    const unseen = (await imap.search({ seen: false })) as number[];
    expect(unseen).toEqual([2, 3]);
    const oldest = await imap.fetchOne(String(unseen[0]), { internalDate: true });
    const minutes = (Date.now() - new Date((oldest as { internalDate: Date }).internalDate).getTime()) / 60_000;
    expect(Math.round(minutes)).toBe(180);
    await imap.logout();
  });

  it('refuses an unregistered service principal, a missing grant, expired and forged tokens', async () => {
    for (const [user, token] of refusedLogins(key)) {
      const err = await rejection(client(user, token).connect());
      expect(errorFacts(err)).toMatchObject({ authenticationFailed: true, responseStatus: 'NO', serverResponseCode: 'AUTHENTICATIONFAILED' });
    }
    expect(dovecot.decisions.slice(-4)).toEqual([
      'invoices@contoso.com → unknown-service-principal',
      'legal@contoso.com → no-full-access',
      'invoices@contoso.com → token-invalid',
      'invoices@contoso.com → token-invalid',
    ]);
  });

  it('refuses a mailbox with IMAP disabled at login (Dovecot cannot fail the next command)', async () => {
    const err = await rejection(client('archive@contoso.com').connect());
    expect(err.authenticationFailed).toBe(true);
  });

  it('reports an unknown folder as NotFound', async () => {
    const imap = client('invoices@contoso.com');
    await imap.connect();
    const err = await rejection(imap.status('Invoices/2026', { messages: true }));
    expect(err.code).toBe('NotFound');
    await imap.logout();
  });

  it('applies a revoked grant to the next login without a restart', async () => {
    const hr = mailbox('hr@contoso.com');
    const granted = hr.fullAccess;
    hr.fullAccess = [];
    try {
      const err = await rejection(client('hr@contoso.com').connect());
      expect(err.authenticationFailed).toBe(true);
    } finally {
      hr.fullAccess = granted;
    }
  });

  it('rejects a Dovecot whose certificate comes from an untrusted CA', async () => {
    const rogue = await startDovecot({ exchange: () => scenario.exchange, publicKeyPem: key.publicKeyPem, tls: issueServerCert(createCa('rogue CA')) });
    try {
      const err = await rejection(client('invoices@contoso.com', appToken(key), rogue.port).connect());
      expect(err.code).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      await rogue.stop();
    }
  });

  it('is gone after stop(): ECONNREFUSED', async () => {
    const other = await startDovecot({ exchange: () => scenario.exchange, publicKeyPem: key.publicKeyPem, tls: issueServerCert(trustedSimCa()) });
    await other.stop();
    const err = await rejection(client('invoices@contoso.com', appToken(key), other.port).connect());
    expect(err.code).toBe('ECONNREFUSED');
  });
});
