/**
 * Issue 10, "A mistyped or hostile vault host gets a managed-identity token for whatever resource
 * it names": with challenge-resource verification relaxed (any host outside the Key Vault
 * domains, like this simulator), the scope stays pinned to the cloud's Key Vault resource.
 */
import type { SimTenant } from '../../sim/tenant';
import { catalogueConfig, catalogueScenario } from './catalogue';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;

beforeAll(async () => {
  tenant = await startTenant(catalogueScenario());
});

afterAll(async () => {
  await tenant?.stop();
});

const config = () => catalogueConfig({ authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } }, (id) => id === 'ok1');

describe('#10 the vault challenge cannot redirect the monitor identity', () => {
  it('#10 a challenge naming Azure Resource Manager gets no token: SECRET_ACCESS_DENIED saying why, and the identity endpoint is never asked for it', async () => {
    tenant.vaultChallengeResource = 'https://management.azure.com';
    try {
      const { report } = await runAgainst(config());
      const r = byId(report).ok1!;
      expect(r.failure).toMatchObject({ code: 'SECRET_ACCESS_DENIED', phase: 'secret', kind: 'permission' });
      expect(r.failure!.message).toContain('https://management.azure.com');
      expect(r.failure!.message).toContain('not Key Vault (https://vault.azure.net/.default)');
      expect(r.failure!.remedy).toContain('Check keyVaultUrl of app good');
      expect(tenant.identity.stats.resources.filter((res) => res.includes('management'))).toEqual([]);
      expect(r.attempts?.secret).toBe(1);
    } finally {
      tenant.vaultChallengeResource = undefined;
    }
  });

  it('#10 its twin: the Key Vault challenge is answered and the mailbox is ok', async () => {
    const { report } = await runAgainst(config());
    expect(byId(report).ok1!.status).toBe('ok');
    expect(tenant.identity.stats.resources.every((res) => res.startsWith('https://vault.azure.net'))).toBe(true);
  });
});
