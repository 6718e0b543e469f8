/**
 * 20 mailboxes on one app, all checked at once: one token request and one vault read for the
 * run, the token's cache reused by the next run, and every mailbox still checked for itself.
 */
import { resetTokenClients } from '../../shared/token/token-provider';
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario } from './catalogue';
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

  it('the next run reuses the app client and its cached token (no request), but reads the vault again', async () => {
    const clientId = config().apps[0]!.clientId;
    const before = tenant.entra.stats.tokenRequests.get(clientId)!;
    const { report } = await runAgainst(config());
    expect(tenant.entra.stats.tokenRequests.get(clientId)).toBe(before);
    expect(tenant.vault.stats.secretReads.get('good-secret')).toBe(2);
    expect(report.counts.ok + report.counts.degraded).toBe(COUNT - 1);
  });
});
