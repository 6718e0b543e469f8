/**
 * Issue 18: every certificate-credential diagnosis through the real SDKs — msal-node signing the
 * client assertion, @azure/keyvault-secrets reading the certificate's backing secret — against
 * the simulated Entra (which verifies the assertion) and Key Vault (which serves certificates as
 * the real one does), in one run where healthy certificate apps sit next to broken ones.
 */
import { X509Certificate } from 'node:crypto';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import type { RunReport } from '../../shared/contract/result';
import { renderTable } from '../../shared/report/table';
import type { SimTenant } from '../../sim/tenant';
import { MONITOR_SECRET, TENANT, catalogueScenario } from './catalogue';
import { CERT_APPS, CERT_MAILBOXES, certClientOf, certificateConfigApps, certificateConfigMailboxes, certificateScenario, certificates, expectedFor, privateKeyValues } from './certificate-catalogue';
import { byId, runAgainst, startTenant } from './sim-harness';

let tenant: SimTenant;
let report: RunReport;

const config = (authorityHost: string, only?: (id: string) => boolean) => ({
  cloud: { authorityHost, imapResource: 'https://outlook.office365.com' },
  keyVaultUrl: tenant.vault.url,
  defaults: { host: '127.0.0.1', port: tenant.imap.port },
  thresholds: { secretExpiryDays: 30 },
  apps: certificateConfigApps().filter((a) => !only || only(a.id)),
  mailboxes: certificateConfigMailboxes(only),
});

beforeAll(async () => {
  tenant = await startTenant(certificateScenario(catalogueScenario().monitorIdentity));
  report = (await runAgainst(config(tenant.entra.url))).report;
}, 60_000);

afterAll(async () => {
  await tenant?.stop();
});

describe('#18 certificate credentials, diagnosed end to end', () => {
  it.each(CERT_MAILBOXES)('%s is diagnosed as expected', (id, raw) => {
    const expected = expectedFor(id, raw);
    const result = byId(report)[id]!;
    expect({ status: result.status, code: result.failure?.code, phase: expected.phase ? result.failure?.phase : undefined }).toEqual({ status: expected.status, code: expected.code, phase: expected.phase });
    if (expected.warnings) expect(result.warnings.map((w) => w.code).sort()).toEqual([...expected.warnings].sort());
    const remedies = [result.failure?.remedy ?? '', ...result.warnings.map((w) => w.remedy ?? '')].join('\n');
    for (const value of expected.remedy ?? []) expect(remedies).toContain(value);
  });

  it('covers every certificate app', () => {
    expect(CERT_MAILBOXES.map(([id]) => id).sort()).toEqual(CERT_APPS.map((a) => a.id).sort());
  });

  it("reports the certificate's facts (kind, SHA-1 thumbprint, notAfter and its countdown), never its key", () => {
    const good = byId(report).certgood!;
    const cert = certificates().held.get('certgood')!;
    expect(good.secret).toEqual({ source: 'keyVault', name: 'certgood-cert', credentialKind: 'certificate', thumbprint: cert.thumbprintSha1, expiresOn: cert.notAfter.toISOString(), daysLeft: expect.any(Number) });
    expect(byId(report).certfile!.secret).toMatchObject({ source: 'file', credentialKind: 'certificate' });
    const expiring = byId(report).certexpiring!;
    expect(expiring.warnings[0]).toMatchObject({ code: 'CERTIFICATE_EXPIRING', credentialKind: 'certificate', thumbprint: certificates().held.get('certexpiring')!.thumbprintSha1, daysLeft: expiring.secret!.daysLeft });
    const outputs = [JSON.stringify(report), renderTable(report, false), renderTable(report, true)].join('\n');
    for (const key of privateKeyValues()) expect(outputs).not.toContain(key);
    expect(outputs).not.toMatch(/PRIVATE KEY/);
  });

  it('signs as msal-node 7 does with a SHA-256 thumbprint: PS256 and x5t#S256; x5c only where configured, with the certificate in it', () => {
    const headers = tenant.entra.stats.assertionHeaders;
    const of = (id: string) => headers.find((h) => h.clientId === certClientOf(id))!.header;
    const cert = certificates().held.get('certgood')!;
    expect(of('certgood')).toEqual({ alg: 'PS256', typ: 'JWT', 'x5t#S256': cert.x5tS256 });
    const sni = of('certsni');
    expect(sni.x5c).toEqual([new X509Certificate(certificates().held.get('certsni')!.certPem).raw.toString('base64')]);
    expect(of('certnox5c').x5c).toBeUndefined();
    // Certificates refused before the token step never reach Entra.
    for (const id of ['certexpired', 'certfuture', 'certnokey', 'certnokeypfx', 'certpassword', 'certec', 'certmissing']) expect(tenant.entra.stats.tokenRequests.get(certClientOf(id))).toBeUndefined();
  });

  it('#18 an authority host Entra does not know itself by makes the audience wrong: AADSTS700023, TOKEN_ASSERTION_INVALID', async () => {
    // The simulator's certificate names localhost too: the same Entra, reached by another name (a proxy alias).
    const alias = tenant.entra.url.replace('127.0.0.1', 'localhost');
    const { report: aliased } = await runAgainst(config(alias, (id) => id === 'certgood'));
    const result = byId(aliased).certgood!;
    expect(result.failure).toMatchObject({ code: 'TOKEN_ASSERTION_INVALID', phase: 'token' });
    expect(result.failure!.message).toContain('AADSTS700023');
    expect(result.failure!.remedy).toContain(`${alias}/${TENANT}/oauth2/v2.0/token`);
  });

  it('#18 the vault answers @azure/keyvault-secrets as Key Vault does for a certificate: its backing secret (content type, kid, managed, the dates), without the key when not exportable', async () => {
    const client = new SecretClient(tenant.vault.url, new DefaultAzureCredential(), { disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
    const pfx = await client.getSecret('certpfx-cert');
    const cert = certificates().held.get('certpfx')!;
    expect(pfx.properties).toMatchObject({ contentType: 'application/x-pkcs12', managed: true, certificateKeyId: expect.stringContaining('/keys/certpfx-cert/') });
    expect(pfx.properties.expiresOn!.getTime()).toBe(Math.floor(cert.notAfter.getTime() / 1000) * 1000);
    expect(pfx.properties.notBefore!.getTime()).toBe(Math.floor(cert.notBefore.getTime() / 1000) * 1000);
    const pem = await client.getSecret('certgood-cert');
    expect(pem.properties.contentType).toBe('application/x-pem-file');
    expect(pem.value).toMatch(/-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
    const nokey = await client.getSecret('certnokey-cert');
    expect(nokey.value).toContain('-----BEGIN CERTIFICATE-----');
    expect(nokey.value).not.toContain('PRIVATE KEY');
  });

  it('reads the monitor identity with its secret, never an app certificate', () => {
    expect(JSON.stringify(report)).not.toContain(MONITOR_SECRET);
  });
});
