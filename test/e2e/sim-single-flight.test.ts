/**
 * 20 mailboxes on one app, all checked at once: one token request and one vault read for the
 * run, the token's cache reused by the next run, and every mailbox still checked for itself.
 */
import { clearWarmSecretCache } from '../../shared/credentials/secret-reader';
import { resetTokenClients } from '../../shared/token/token-provider';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario, clientOf } from './catalogue';
import { runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
const COUNT = 20;

beforeAll(async () => {
  const scenario = catalogueScenario();
  const oid = scenario.apps[0]!.servicePrincipalObjectId;
  for (let i = 0; i < COUNT; i++) {
    scenario.exchange.mailboxes.push({ address: `shared${i}@catalogue.example`, fullAccess: i === 7 ? [] : [oid], folders: [{ name: 'INBOX', messages: Array.from({ length: i }, () => ({ seen: false, receivedMinutesAgo: 5 })) }] });
  }
  tenant = await startTenant(scenario);
});

afterAll(async () => {
  await tenant?.stop();
});

function config() {
  const base = catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 0, UNTRUSTED: 0, PLAIN: 0 } }, (id) => id === 'ok1');
  base.concurrency = COUNT;
  base.mailboxes = Array.from({ length: COUNT }, (_, i) => ({ id: `shared${i}`, address: `shared${i}@catalogue.example`, app: 'good' }));
  return base;
}

describe('one token and one secret read per app per run', () => {
  it('20 concurrent mailboxes on one app make one token request and one vault read', async () => {
    resetTokenClients();
    const clientId = config().apps[0]!.clientId;
    const before = tenant.entra.stats.tokenRequests.get(clientId) ?? 0;
    const { report, stats } = await runAgainst(config());
    expect(tenant.entra.stats.tokenRequests.get(clientId)! - before).toBe(1);
    expect(tenant.vault.stats.secretReads.get('good-secret')).toBe(1);
    expect(stats.secretReads).toBe(1);
    expect(tenant.imap.stats.connections).toBeGreaterThanOrEqual(COUNT);
    // Each mailbox was still checked on its own: its own counts, and the one without a grant fails alone.
    expect(report.results.map((r) => r.folder?.unseen ?? null)).toEqual(Array.from({ length: COUNT }, (_, i) => (i === 7 ? null : i)));
    expect(report.results.filter((r) => r.status === 'failed').map((r) => [r.mailbox, r.failure?.code])).toEqual([['shared7', 'IMAP_AUTH_FAILED']]);
    expect(tenant.entra.stats.discoveryRequests).toBe(0);
  });

  it('sends the fewest commands a check needs: AUTHENTICATE, STATUS, LOGOUT; the backlog query (EXAMINE, FETCH) only when mail is unseen', () => {
    const login = ['AUTHENTICATE'];
    const bare = [...login, 'STATUS', 'LOGOUT'];
    // EXAMINE names the first unseen message ([UNSEEN n]); FETCH reads its arrival time.
    const withUnseen = [...login, 'STATUS', 'EXAMINE', 'FETCH', 'LOGOUT'];
    const sequences = tenant.imap.commandLog.slice(0, COUNT).map((commands) => commands.join(' '));
    expect(sequences.filter((s) => s === bare.join(' '))).toHaveLength(1); // shared0: nothing unseen
    expect(sequences.filter((s) => s === withUnseen.join(' '))).toHaveLength(COUNT - 2);
    expect(sequences.filter((s) => s === login.join(' '))).toHaveLength(1); // shared7: refused
  });

  it('the next run reuses the app client and its cached token (no request), but reads the vault again', async () => {
    const clientId = config().apps[0]!.clientId;
    const before = tenant.entra.stats.tokenRequests.get(clientId)!;
    const { report } = await runAgainst(config());
    expect(tenant.entra.stats.tokenRequests.get(clientId)).toBe(before);
    expect(tenant.vault.stats.secretReads.get('good-secret')).toBe(2);
    expect(report.counts.ok + report.counts.degraded).toBe(COUNT - 1);
  });

  it('a run verifies the IMAP server certificate once and resumes that TLS session for the other mailboxes; the next run verifies again', async () => {
    const sequential = { ...config(), concurrency: 1, mailboxes: config().mailboxes.slice(0, 5) };
    for (const run of [1, 2]) {
      const before = { ...tenant.imap.stats };
      const { report, stats } = await runAgainst(sequential);
      expect([run, report.counts.ok + report.counts.degraded]).toEqual([run, 5]);
      expect([run, tenant.imap.stats.connections - before.connections, tenant.imap.stats.resumed - before.resumed, stats.tlsSessionsOffered]).toEqual([run, 5, 4, 4]);
    }
  });

  it('warm runs (Functions) reuse the secret, until Entra refuses it: then the vault is read again', async () => {
    clearWarmSecretCache();
    const reads = (name: string) => tenant.vault.stats.secretReads.get(name) ?? 0;
    const good = reads('good-secret');
    await runAgainst(config(), { warmSecretCache: true });
    await runAgainst(config(), { warmSecretCache: true });
    expect(reads('good-secret') - good).toBe(1);
    const refused = { ...config(), mailboxes: [{ id: 'w', address: 'shared0@catalogue.example', app: 'wrongsecret' }] };
    refused.apps = [{ ...refused.apps[0]!, id: 'wrongsecret', clientId: clientOf('wrongsecret'), credential: { keyVaultSecret: 'wrongsecret-secret' } }];
    const before = reads('wrongsecret-secret');
    const first = await runAgainst(refused, { warmSecretCache: true });
    await runAgainst(refused, { warmSecretCache: true });
    expect(first.report.results[0]!.failure?.code).toBe('TOKEN_INVALID_SECRET');
    expect(reads('wrongsecret-secret') - before).toBe(2);
    clearWarmSecretCache();
  });
});
