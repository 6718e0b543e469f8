/**
 * The engine against a real IMAP server: the same scenarios as against the simulator, wherever
 * Dovecot can express them. Tokens come from the simulated Entra ID through msal-node, secrets
 * from the simulated Key Vault; the XOAUTH2 decision is Dovecot's Lua passdb asking the project's
 * Exchange-rules verifier, which reads the same scenario.
 */
import { createCa, issueServerCert, trustedSimCa } from '../../sim/ca';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario, type Endpoints } from '../e2e/catalogue';
import { byId, runAgainst, startTenant } from '../e2e/sim-harness';
import { startDovecot, type Dovecot } from './dovecot-harness';

let tenant: SimTenant;
let dovecot: Dovecot;
let untrusted: Dovecot | undefined;

const endpointsFor = (port: number): Endpoints => ({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } });
const configFor = (ids: string[], port = dovecot.port) => catalogueConfig(endpointsFor(port), (id) => ids.includes(id));

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
  dovecot = await startDovecot({ exchange: () => tenant.scenario.exchange, publicKeyPem: tenant.key.publicKeyPem, tls: issueServerCert(trustedSimCa()) });
});

afterAll(async () => {
  await untrusted?.stop();
  await dovecot?.stop();
  await tenant?.stop();
});

describe('the engine against Dovecot', () => {
  it('one token opens several mailboxes; counts, folders and backlog come from the real server', async () => {
    const clientId = configFor(['ok1']).apps[0]!.clientId;
    const before = tenant.entra.stats.tokenRequests.get(clientId) ?? 0;
    const { report } = await runAgainst(configFor(['ok1', 'ok2', 'backlog']));
    const results = byId(report);
    expect(results.ok1).toMatchObject({ status: 'ok', folder: { name: 'INBOX', messages: 2, unseen: 1, oldestUnseenMinutes: 7 } });
    expect(results.ok2).toMatchObject({ status: 'ok', folder: { name: 'Scans', messages: 1, unseen: 1 } });
    expect(results.backlog).toMatchObject({ status: 'degraded', warnings: [expect.objectContaining({ code: 'MAILBOX_BACKLOG', unseen: 30 })] });
    expect(tenant.entra.stats.tokenRequests.get(clientId)! - before).toBe(1);
    for (const result of report.results) for (const phase of ['connect', 'auth', 'folder', 'logout'] as const) expect(result.phases[phase]).toEqual(expect.any(Number));
    expect(dovecot.decisions.filter((d) => d.endsWith('→ ok')).length).toBeGreaterThanOrEqual(3);
    // The same SASL mechanism as against Exchange Online, and the token never in the server's log.
    const logins = dovecot.logs().split('\n').filter((line) => / Login: user=<(ok1|ok2|backlog)@/.test(line));
    expect(logins).toHaveLength(3);
    for (const line of logins) expect(line).toContain('method=XOAUTH2');
    expect(dovecot.logs()).not.toMatch(/eyJ[\w-]{10,}/);
  });

  it('refuses an unregistered service principal, a missing grant, an expired and a forged token', async () => {
    const { report } = await runAgainst(configFor(['ok1', 'unregistered', 'nogrant', 'stale', 'forged']));
    const results = byId(report);
    expect(results.ok1!.status).toBe('ok');
    for (const id of ['unregistered', 'nogrant', 'stale', 'forged']) {
      expect([id, results[id]!.failure?.code, results[id]!.failure?.phase]).toEqual([id, 'IMAP_AUTH_FAILED', 'auth']);
    }
    expect(results.nogrant!.failure!.remedy).toContain(`Add-MailboxPermission -Identity 'nogrant@catalogue.example' -User ${results.nogrant!.token!.objectId}`);
  });

  it('an unknown folder is IMAP_FOLDER_NOT_FOUND', async () => {
    const { report } = await runAgainst(configFor(['nofolder']));
    expect(report.results[0]!.failure).toMatchObject({ code: 'IMAP_FOLDER_NOT_FOUND', phase: 'folder' });
    expect(report.results[0]!.phases.auth).toEqual(expect.any(Number));
  });

  it('a grant revoked while Dovecot runs fails the next check', async () => {
    const ok = await runAgainst(configFor(['ok1']));
    expect(ok.report.results[0]!.status).toBe('ok');
    const mailbox = tenant.scenario.exchange.mailboxes.find((m) => m.address === 'ok1@catalogue.example')!;
    const grants = mailbox.fullAccess;
    mailbox.fullAccess = [];
    try {
      const revoked = await runAgainst(configFor(['ok1']));
      expect(revoked.report.results[0]!.failure?.code).toBe('IMAP_AUTH_FAILED');
    } finally {
      mailbox.fullAccess = grants;
    }
  });

  it('a certificate from an untrusted CA is IMAP_TLS', async () => {
    untrusted = await startDovecot({ exchange: () => tenant.scenario.exchange, publicKeyPem: tenant.key.publicKeyPem, tls: issueServerCert(createCa('not trusted')) });
    const { report } = await runAgainst(configFor(['ok1'], untrusted.port));
    expect(report.results[0]!.failure).toMatchObject({ code: 'IMAP_TLS', phase: 'connect' });
    expect(report.results[0]!.failure!.message).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED/);
  });

  it('a server that is down is IMAP_CONNECT_REFUSED', async () => {
    const port = dovecot.port;
    await dovecot.stop();
    const { report } = await runAgainst(configFor(['ok1'], port));
    expect(report.results[0]!.failure).toMatchObject({ code: 'IMAP_CONNECT_REFUSED', phase: 'connect' });
  });
});
