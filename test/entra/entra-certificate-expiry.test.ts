/**
 * Issue 18, Entra's dates of a certificate credential through the wire: the app registration read
 * from the simulated Microsoft Graph, the key credential in use found by the SHA-1 thumbprint of
 * the certificate in the vault (customKeyIdentifier), the check's warnings and the expiry sweep's
 * credential and SecretExpiring event (with its credential kind).
 */
import { ClientSecretCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import { sweepEvents } from '../../shared/report/app-insights-telemetry';
import { sweepExpiry } from '../../shared/run/expiry-sweep';
import { planRun } from '../../shared/run/plan';
import { createAppCertificate, keyCredentialOf, vaultCertificateSecret } from '../../sim/certificates';
import type { Scenario } from '../../sim/scenario';
import type { SimTenant } from '../../sim/tenant';
import { byId, runAgainst, startTenant } from '../e2e/sim-harness';
import { DAY, IMPORTER, MONITOR, TENANT, entraConfig, entraScenario } from './entra-fixture';

let tenant: SimTenant;
const inUse = createAppCertificate('importer 2026', { startsInDays: -300, days: 400 });
const newer = createAppCertificate('importer 2027', { startsInDays: -1, days: 400 });
const unused = createAppCertificate('legacy import', { startsInDays: -700, days: 800 });
const KEYS = { inUse: '0c0c0c0c-0000-4000-8000-000000000001', newer: '0c0c0c0c-0000-4000-8000-000000000002', unused: '0c0c0c0c-0000-4000-8000-000000000003' };

/** The importer signs in with a certificate whose key credential ends in `endsInDays` in Entra (earlier than the certificate itself). */
function scenario(endsInDays: number, withNewer: boolean): Scenario {
  const s = entraScenario();
  const importer = s.apps.find((a) => a.clientId === IMPORTER.clientId)!;
  importer.credentials = {
    password: [],
    key: [
      keyCredentialOf(unused, KEYS.unused, 'legacy import'),
      keyCredentialOf(inUse, KEYS.inUse, 'importer 2026', { end: new Date(Date.now() + endsInDays * DAY) }),
      ...(withNewer ? [keyCredentialOf(newer, KEYS.newer, 'importer 2027')] : []),
    ],
  };
  s.vault.secrets.push(vaultCertificateSecret('importer-cert', inUse, { format: 'pkcs12' }));
  return s;
}

const config = () => {
  const base = entraConfig(tenant);
  return { ...base, apps: base.apps.map((a) => (a.id === 'importer' ? { ...a, credential: { keyVaultCertificate: 'importer-cert' } } : a)) };
};
const credential = () => new ClientSecretCredential(TENANT, MONITOR.clientId, MONITOR.secret, { authorityHost: tenant.entra.url, disableInstanceDiscovery: true });

beforeAll(async () => {
  tenant = await startTenant(scenario(10, true));
}, 30_000);
afterAll(async () => {
  await tenant.stop();
});

describe('#18 a certificate credential dated by Entra', () => {
  it('#18 CREDENTIAL_EXPIRING for the key credential whose thumbprint is the vault certificate\'s, and CREDENTIAL_ROTATION_INCOMPLETE for the newer one; the unused one counted', async () => {
    tenant.scenario = scenario(10, true);
    const { report } = await runAgainst(config(), { vaultCredential: credential() });
    const invoices = byId(report).invoices!;
    expect(invoices.status).toBe('degraded');
    expect(invoices.warnings.map((w) => w.code).sort()).toEqual(['CREDENTIAL_EXPIRING', 'CREDENTIAL_ROTATION_INCOMPLETE']);
    const expiring = invoices.warnings.find((w) => w.code === 'CREDENTIAL_EXPIRING')!;
    expect(expiring).toMatchObject({ credentialKind: 'certificate', credentialKeyId: KEYS.inUse, thumbprint: inUse.thumbprintSha1, certificatesOnApp: 3 });
    expect([9, 10]).toContain(expiring.daysLeft);
    expect(expiring.message).toContain('1 of 3 certificates on the app');
    expect(expiring.remedy).toContain(`--key-id ${KEYS.inUse} --cert`);
    expect(invoices.warnings.find((w) => w.code === 'CREDENTIAL_ROTATION_INCOMPLETE')).toMatchObject({ newerKeyId: KEYS.newer });
    // The secret app beside it is dated by hint as before.
    expect(byId(report).archive!.status).toBe('ok');
  });

  it('#18 the twin: the same app without a newer certificate, far from its end, is ok', async () => {
    tenant.scenario = scenario(200, false);
    const { report } = await runAgainst(config(), { vaultCredential: credential() });
    expect(byId(report).invoices).toMatchObject({ status: 'ok', warnings: [] });
  });

  it('#18 the expiry sweep dates the certificate too (no token, no login) and its SecretExpiring event says credentialKind certificate', async () => {
    tenant.scenario = scenario(10, true);
    const requestsBefore = tenant.entra.stats.tokenRequests.get(IMPORTER.clientId) ?? 0;
    const plan = planRun(parseConfig(config(), 'test'));
    const report = await sweepExpiry(plan, { vaultCredential: credential() });
    const importer = report.credentials.find((c) => c.app === 'importer')!;
    expect(importer).toMatchObject({ credentialKind: 'certificate', secret: `certificate importer-cert in ${tenant.vault.url}`, status: 'degraded', entra: { keyId: KEYS.inUse } });
    expect(importer.warnings.map((w) => w.code).sort()).toEqual(['CREDENTIAL_EXPIRING', 'CREDENTIAL_ROTATION_INCOMPLETE']);
    expect(tenant.entra.stats.tokenRequests.get(IMPORTER.clientId) ?? 0).toBe(requestsBefore);
    const events = sweepEvents(report, plan, { runId: 'r', trigger: 'timer', location: 'l', host: 'h', version: 'v' } as never);
    expect(events).toHaveLength(1);
    expect(events[0]!.properties).toMatchObject({ code: 'CREDENTIAL_EXPIRING', app: 'importer', credentialKind: 'certificate' });
    expect(JSON.stringify(report)).not.toMatch(/PRIVATE KEY/);
  });

  it('#18 the sweep dates the vault certificate by its notAfter: CERTIFICATE_EXPIRING with its thumbprint and the renewal commands', async () => {
    const soon = createAppCertificate('importer short', { startsInDays: -360, days: 365 });
    const s = scenario(200, false);
    s.apps.find((a) => a.clientId === IMPORTER.clientId)!.credentials!.key.push(keyCredentialOf(soon, '0c0c0c0c-0000-4000-8000-000000000009', 'importer short'));
    s.vault.secrets = s.vault.secrets.filter((x) => x.name !== 'importer-cert');
    s.vault.secrets.push(vaultCertificateSecret('importer-cert', soon));
    tenant.scenario = s;
    const report = await sweepExpiry(planRun(parseConfig(config(), 'test')), { vaultCredential: credential() });
    const importer = report.credentials.find((c) => c.app === 'importer')!;
    const expiring = importer.warnings.find((w) => w.code === 'CERTIFICATE_EXPIRING');
    expect(expiring).toMatchObject({ credentialKind: 'certificate', thumbprint: soon.thumbprintSha1 });
    expect(expiring!.remedy).toContain('az keyvault certificate create');
    expect(importer.warnings.map((w) => w.code)).not.toContain('SECRET_EXPIRING');
  });
});
