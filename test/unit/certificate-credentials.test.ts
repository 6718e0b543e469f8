/**
 * Issue 18, the parts below the wire: reading a certificate the way Key Vault serves it (PEM,
 * PKCS#12 with and without a password), the AADSTS numbers of client-assertion refusals, the
 * certificate remedies (every command marked and accepted by bash), Entra's key credentials
 * matched by thumbprint, the config, and the SecretExpiring event's credential kind.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import forge from 'node-forge';
import { parseConfig } from '../../shared/config/load';
import { checkValidity, matchesThumbprint, parseCertificate } from '../../shared/credentials/certificate';
import { usableCertificate } from '../../shared/credentials/certificate-reader';
import { privateKeyForms } from '../../shared/credentials/certificate-use';
import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { classifyTokenError } from '../../shared/diagnosis/classify-token';
import { entraCredentialWarnings } from '../../shared/diagnosis/entra-warnings';
import { recordCommands } from '../../shared/diagnosis/printed-commands';
import { Redactor } from '../../shared/diagnosis/redact';
import { failureRemedy, warningRemedy } from '../../shared/diagnosis/remedies';
import type { RemedyContext } from '../../shared/diagnosis/remedy-context';
import { secretWarnings } from '../../shared/diagnosis/warnings';
import type { AppCredentials } from '../../shared/entra/app-credentials';
import { runTelemetry } from '../../shared/report/app-insights-telemetry';
import { planRun } from '../../shared/run/plan';
import type { RunReport } from '../../shared/contract/result';
import { createAppCertificate, customKeyIdentifierOf, vaultCertificateSecret } from '../../sim/certificates';
import { runPosix } from '../setup/shell-harness';
import { CLIENT, TENANT, remedyContextWith } from './remedy-context-fixture';

const cert = createAppCertificate('importer.contoso.com');
const where = 'certificate imap-cert in https://contoso-kv.vault.azure.net';

const failureOf = (work: () => unknown): CheckFailure => {
  try {
    work();
  } catch (error) {
    if (error instanceof CheckFailure) return error;
    throw error;
  }
  throw new Error('no failure');
};

describe('#18 reading a certificate as Key Vault serves it', () => {
  it('PEM (application/x-pem-file) with a PKCS#8 or a PKCS#1 key: the key as PKCS#8, the SHA-1 and SHA-256 thumbprints, the dates', () => {
    const secret = vaultCertificateSecret('imap-cert', cert);
    expect(secret).toMatchObject({ contentType: 'application/x-pem-file', managed: true });
    const parsed = parseCertificate(Buffer.from(secret.value), where, secret.contentType);
    expect(parsed.certificate).toMatchObject({ thumbprintSha1: cert.thumbprintSha1, subject: 'CN=importer.contoso.com', notAfter: cert.notAfter });
    expect(Buffer.from(parsed.certificate.thumbprintSha256, 'hex').toString('base64url')).toBe(cert.x5tS256);
    expect(parsed.privateKeyPem).toContain('-----BEGIN PRIVATE KEY-----');
    const pkcs1 = createPrivateKey(cert.keyPem).export({ type: 'pkcs1', format: 'pem' }).toString();
    expect(parseCertificate(Buffer.from(`${cert.certPem}${pkcs1}`), where).certificate.thumbprintSha1).toBe(cert.thumbprintSha1);
  });

  it('PKCS#12 (application/x-pkcs12, base64) without a password, and a .pfx file (binary)', () => {
    const secret = vaultCertificateSecret('imap-cert', cert, { format: 'pkcs12' });
    expect(secret.contentType).toBe('application/x-pkcs12');
    expect(parseCertificate(Buffer.from(secret.value), where, secret.contentType).certificate.thumbprintSha1).toBe(cert.thumbprintSha1);
    expect(parseCertificate(Buffer.from(secret.value, 'base64'), 'certificate file x.pfx').certificate.thumbprintSha1).toBe(cert.thumbprintSha1);
    // Written with the empty password (not "no password"): also read.
    const p12 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(cert.keyPem), [forge.pki.certificateFromPem(cert.certPem)], '', { algorithm: '3des' });
    const empty = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
    expect(parseCertificate(empty, 'certificate file x.pfx').certificate.thumbprintSha1).toBe(cert.thumbprintSha1);
  });

  it('a non-exportable certificate (its backing secret without the key), PEM or PKCS#12: CERTIFICATE_NO_PRIVATE_KEY', () => {
    for (const format of ['pem', 'pkcs12'] as const) {
      const secret = vaultCertificateSecret('imap-cert', cert, { format, exportable: false });
      expect(secret.value).not.toContain('PRIVATE KEY');
      expect(failureOf(() => parseCertificate(Buffer.from(secret.value), where, secret.contentType)).code).toBe('CERTIFICATE_NO_PRIVATE_KEY');
    }
  });

  it('a password: PKCS#12 or an encrypted PEM key, CERTIFICATE_PASSWORD_PROTECTED', () => {
    const secret = vaultCertificateSecret('imap-cert', cert, { format: 'pkcs12', password: 'Pfx-pass-1' });
    expect(failureOf(() => parseCertificate(Buffer.from(secret.value), where, secret.contentType)).code).toBe('CERTIFICATE_PASSWORD_PROTECTED');
    const encrypted = createPrivateKey(cert.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pem-pass' }).toString();
    expect(failureOf(() => parseCertificate(Buffer.from(`${cert.certPem}${encrypted}`), where)).code).toBe('CERTIFICATE_PASSWORD_PROTECTED');
  });

  it('not a certificate, a key of another certificate, a non-RSA key: CERTIFICATE_UNUSABLE with the reason', () => {
    expect(failureOf(() => parseCertificate(Buffer.from('Sec~just-a-client-secret-value'), where)).detail.errorCode).toBe('NOT_A_CERTIFICATE');
    const other = createAppCertificate('other.contoso.com');
    expect(failureOf(() => parseCertificate(Buffer.from(`${cert.certPem}${other.keyPem}`), where)).detail.errorCode).toBe('KEY_MISMATCH');
    const ec = createAppCertificate('ec.contoso.com', { keyType: 'ec' });
    expect(failureOf(() => parseCertificate(Buffer.from(`${ec.certPem}${ec.keyPem}`), where)).detail.errorCode).toBe('KEY_NOT_RSA');
    for (const thrown of [() => parseCertificate(Buffer.from('x'), where)]) expect(failureOf(thrown).code).toBe('CERTIFICATE_UNUSABLE');
  });

  it('the signing certificate comes first in the chain (x5c), whatever order the file lists them in', () => {
    const ca = createAppCertificate('CA test issuing CA');
    const leaf = createAppCertificate('leaf.contoso.com', { issuer: ca });
    const parsed = parseCertificate(Buffer.from(`${ca.certPem}${leaf.keyPem}${leaf.certPem}`), where);
    expect(parsed.certificate.thumbprintSha1).toBe(leaf.thumbprintSha1);
    const chain = (parsed.certificate.chainPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((pem) => new X509Certificate(pem).fingerprint.replace(/:/g, ''));
    expect(chain).toEqual([leaf.thumbprintSha1, ca.thumbprintSha1]);
  });

  it('expired and not yet valid, judged by its own dates before any request', () => {
    const expired = parseCertificate(Buffer.from(vaultCertificateSecret('x', createAppCertificate('old', { startsInDays: -400, days: 365 })).value), where).certificate;
    expect(failureOf(() => checkValidity(expired, where)).code).toBe('CERTIFICATE_EXPIRED');
    const future = parseCertificate(Buffer.from(vaultCertificateSecret('x', createAppCertificate('new', { startsInDays: 2 })).value), where).certificate;
    expect(failureOf(() => checkValidity(future, where)).code).toBe('CERTIFICATE_NOT_YET_VALID');
    expect(() => checkValidity(parseCertificate(Buffer.from(vaultCertificateSecret('x', cert).value), where).certificate, where)).not.toThrow();
  });

  it("a certificate's key reaches no output: its PEM, its base64 DER and each PEM line are redacted, and any PEM key block", () => {
    const read = usableCertificate({ value: vaultCertificateSecret('x', cert).value, contentType: 'application/x-pem-file' }, { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'x', certificate: { sendX5c: false } });
    const redactor = new Redactor();
    redactor.add(read.value);
    for (const form of privateKeyForms(read.value, read.certificate)) redactor.add(form);
    const der = createPrivateKey(cert.keyPem).export({ type: 'pkcs1', format: 'der' }).toString('base64');
    const line = cert.keyPem.split('\n')[3]!;
    const out = redactor.scrub(`echoed: ${der} and ${line} and -----BEGIN RSA PRIVATE KEY-----\nMIIEow…(cut)`);
    expect(out).not.toContain(der);
    expect(out).not.toContain(line);
    expect(out).not.toContain('MIIEow');
    // The twin: without the key's forms, its DER passes a redactor that knows only the PEM.
    const plain = new Redactor();
    plain.add(read.value);
    expect(plain.scrub(der)).toContain(der);
  });
});

describe('#18 Graph key credentials: the one in use is found by its SHA-1 thumbprint (customKeyIdentifier)', () => {
  const DAY = 86_400_000;
  const context = (): RemedyContext => ({ ...remedyContext, secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'imap-cert', certificate: true } });
  const app = (certificates: AppCredentials['certificates']): AppCredentials => ({ objectId: 'o', appId: CLIENT, displayName: 'Importer', secrets: [], certificates });
  const loaded = parseCertificate(Buffer.from(vaultCertificateSecret('x', cert).value), where).certificate;

  it('customKeyIdentifier is base64 of the thumbprint bytes (az, the portal), or of its hex text', () => {
    expect(matchesThumbprint(customKeyIdentifierOf(cert), cert.thumbprintSha1)).toBe(true);
    expect(matchesThumbprint(Buffer.from(cert.thumbprintSha1).toString('base64'), cert.thumbprintSha1)).toBe(true);
    expect(matchesThumbprint(customKeyIdentifierOf(createAppCertificate('other')), cert.thumbprintSha1)).toBe(false);
    expect(matchesThumbprint(null, cert.thumbprintSha1)).toBe(false);
  });

  it('CREDENTIAL_EXPIRING for the certificate in use, CREDENTIAL_ROTATION_INCOMPLETE when a newer one is on the app; the others are counted', () => {
    const newer = createAppCertificate('importer 2027');
    const c = context();
    const warnings = entraCredentialWarnings({
      app: app([
        { keyId: 'k-old', displayName: 'legacy', customKeyIdentifier: customKeyIdentifierOf(createAppCertificate('legacy')), start: new Date(Date.now() - 400 * DAY), end: new Date(Date.now() + 2 * DAY) },
        { keyId: 'k-use', displayName: 'importer 2026', customKeyIdentifier: customKeyIdentifierOf(cert), start: new Date(Date.now() - 300 * DAY), end: new Date(Date.now() + 9 * DAY) },
        { keyId: 'k-new', displayName: 'importer 2027', customKeyIdentifier: customKeyIdentifierOf(newer), start: new Date(Date.now() - DAY), end: new Date(Date.now() + 365 * DAY) },
      ]),
      secretValue: 'not used for certificates',
      certificate: loaded,
      vaultExpiresOn: loaded.notAfter,
      thresholdDays: 30,
      context: c,
    });
    expect(warnings.map((w) => w.code)).toEqual(['CREDENTIAL_EXPIRING', 'CREDENTIAL_ROTATION_INCOMPLETE']);
    expect(warnings[0]).toMatchObject({ credentialKind: 'certificate', credentialKeyId: 'k-use', thumbprint: cert.thumbprintSha1, certificatesOnApp: 3 });
    expect([8, 9]).toContain(warnings[0]!.daysLeft);
    expect(warnings[0]!.message).toContain('1 of 3 certificates on the app');
    expect(warnings[0]!.remedy).toContain(`az ad app credential delete --id ${CLIENT} --key-id k-use --cert`);
    expect(warnings[1]).toMatchObject({ newerKeyId: 'k-new' });
    expect(warnings[1]!.remedy).toContain('az keyvault certificate import --vault-name contoso-kv --name imap-cert');
  });

  it('no key credential with its thumbprint: nothing to date (the token step says why)', () => {
    expect(entraCredentialWarnings({ app: app([{ keyId: 'k', displayName: null, customKeyIdentifier: customKeyIdentifierOf(createAppCertificate('x')), start: null, end: new Date(Date.now() + DAY) }]), secretValue: '', certificate: loaded, vaultExpiresOn: loaded.notAfter, thresholdDays: 30, context: context() })).toEqual([]);
  });

  it("the vault's date of a certificate is its notAfter: CERTIFICATE_EXPIRING, never SECRET_NO_EXPIRY or SECRET_EXPIRING", () => {
    const c = { ...context(), certificate: { thumbprintSha1: cert.thumbprintSha1, thumbprintSha256: 'AB', subject: 'CN=x', notAfter: new Date(Date.now() + 5 * DAY).toISOString() } };
    expect(secretWarnings(new Date(Date.now() + 5 * DAY), 30, c).map((w) => w.code)).toEqual(['CERTIFICATE_EXPIRING']);
    expect(secretWarnings(null, 30, { ...c, certificate: { ...c.certificate, notAfter: new Date(Date.now() + 90 * DAY).toISOString() } })).toEqual([]);
    // The twin: a secret's context gives the secret's warning.
    expect(secretWarnings(new Date(Date.now() + 5 * DAY), 30, remedyContext).map((w) => w.code)).toEqual(['SECRET_EXPIRING']);
  });
});

describe("#18 Entra's client-assertion refusals (AADSTS numbers from the error reference and the Azure SDK troubleshooting guide)", () => {
  const refusal = (errorNo: number) => classifyTokenError({ errorCode: 'invalid_client', errorNo: String(errorNo), status: 401, errorMessage: `AADSTS${errorNo}: refused` }, undefined);
  it.each([
    [700027, 'TOKEN_INVALID_CERTIFICATE'],
    [700030, 'TOKEN_INVALID_CERTIFICATE'],
    [700024, 'TOKEN_ASSERTION_OUT_OF_TIME'],
    [700021, 'TOKEN_ASSERTION_INVALID'],
    [700023, 'TOKEN_ASSERTION_INVALID'],
  ])('AADSTS%s → %s', (errorNo, code) => {
    expect(refusal(errorNo).code).toBe(code);
  });
  it('an undocumented assertion number stays TOKEN_REQUEST_FAILED with its number', () => {
    expect(refusal(7000299)).toMatchObject({ code: 'TOKEN_REQUEST_FAILED', detail: { aadsts: 7000299 } });
  });
});

const remedyContext: RemedyContext = remedyContextWith({ appName: "O'Brien import", secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'imap-secret' } });

describe('#18 certificate remedies: every command marked, and bash hands az the arguments meant', () => {
  const CODES = ['TOKEN_INVALID_CERTIFICATE', 'TOKEN_ASSERTION_OUT_OF_TIME', 'TOKEN_ASSERTION_INVALID', 'CERTIFICATE_EXPIRED', 'CERTIFICATE_NOT_YET_VALID', 'CERTIFICATE_NO_PRIVATE_KEY', 'CERTIFICATE_PASSWORD_PROTECTED', 'CERTIFICATE_UNUSABLE', 'SECRET_NOT_FOUND', 'SECRET_DISABLED'] as const;
  const vault: RemedyContext = { ...remedyContext, secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'imap-cert', certificate: true }, certificate: { thumbprintSha1: 'A1B2', thumbprintSha256: 'C3D4', subject: 'CN=importer', notAfter: '2027-01-01T00:00:00.000Z' }, entraInUse: { keyId: 'kid-1', displayName: null, end: '2027-01-01T00:00:00.000Z' } };
  const file: RemedyContext = { ...remedyContext, secret: { certificateFile: '/etc/mailbox-health/importer.pem' } };

  it.each(CODES)('%s (vault certificate and certificate file): commands marked; the az ones run in bash as written', (code) => {
    for (const c of [vault, file]) {
      const { value, commands } = recordCommands(() => failureRemedy(code, c));
      expect(value).not.toMatch(/secret set|client secret Value/);
      for (const command of commands) {
        expect(value).toContain(command.text);
        expect(command.shell).toBe('posix');
        const run = runPosix('bash', command.text.replace(/<[^<>]*>/g, 'PLACEHOLDER'));
        expect([command.text, run.status]).toEqual([command.text, 0]);
        for (const call of run.calls) expect(call[0]).toBe('az');
      }
    }
  });

  it('the vault certificate remedies name its vault and name, the app, and the default (exportable) policy; the file ones its path', () => {
    const { commands } = recordCommands(() => failureRemedy('CERTIFICATE_NO_PRIVATE_KEY', vault));
    const calls = runPosix('bash', commands.map((c) => c.text).join(' && ')).calls;
    expect(calls.map((c) => c.slice(0, 5).join(' '))).toEqual(['az keyvault certificate get-default-policy', 'az keyvault certificate create --vault-name', 'az keyvault certificate download --vault-name', 'az ad app credential reset']);
    expect(calls[1]).toEqual(expect.arrayContaining(['contoso-kv', 'imap-cert', '-p']));
    expect(calls[3]).toEqual(['az', 'ad', 'app', 'credential', 'reset', '--id', CLIENT, '--cert', '@imap-cert.pem', '--append']);
    expect(failureRemedy('CERTIFICATE_NO_PRIVATE_KEY', file)).toContain('/etc/mailbox-health/importer.pem');
    expect(failureRemedy('TOKEN_INVALID_CERTIFICATE', { ...vault, aadsts: 700027 })).toContain('thumbprint A1B2');
  });

  it('the certificate warnings renew with the same policy and delete the old key credential by key id (as a certificate)', () => {
    for (const code of ['CERTIFICATE_EXPIRING', 'CREDENTIAL_EXPIRING'] as const) {
      const { value, commands } = recordCommands(() => warningRemedy(code, vault) ?? '');
      expect(value).toContain('--query policy -o json');
      expect(commands.map((c) => c.text)).toContain(`az ad app credential delete --id ${CLIENT} --key-id kid-1 --cert`);
    }
    expect(warningRemedy('SECRET_NO_EXPIRY', vault)).toBeUndefined();
  });
});

describe('#18 the config and the SecretExpiring event', () => {
  const base = (credential: unknown, top: Record<string, unknown> = {}) => ({
    ...top,
    apps: [{ id: 'importer', tenantId: TENANT, clientId: CLIENT, credential }],
    mailboxes: [{ id: 'scans', address: 'scans@contoso.com', app: 'importer' }],
  });

  it('keyVaultCertificate (with its vault) and certificateFile are credentials; sendX5c is a flag; a vault is required', () => {
    expect(planRun(parseConfig(base({ keyVaultCertificate: 'imap-cert', sendX5c: true }, { keyVaultUrl: 'https://contoso-kv.vault.azure.net' }), 't')).mailboxes[0]!.app.secret).toEqual({ vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'imap-cert', certificate: { sendX5c: true } });
    expect(planRun(parseConfig(base({ certificateFile: '/etc/importer.pem' }), 't')).mailboxes[0]!.app.secret).toEqual({ certificateFile: '/etc/importer.pem', certificate: { sendX5c: false } });
    expect(() => parseConfig(base({ keyVaultCertificate: 'imap-cert' }), 't')).toThrow(/credential\.keyVaultUrl/);
    expect(() => parseConfig(base({ keyVaultCertificate: 'imap cert' }, { keyVaultUrl: 'https://contoso-kv.vault.azure.net' }), 't')).toThrow();
    expect(() => parseConfig(base({ certificateFile: '/x.pem', password: 'no' }), 't')).toThrow();
  });

  it('SecretExpiring carries credentialKind: certificate for a certificate, secret for a secret (the event keeps its name)', () => {
    const plan = planRun(parseConfig({ ...base({ keyVaultCertificate: 'imap-cert' }, { keyVaultUrl: 'https://contoso-kv.vault.azure.net' }), apps: [{ id: 'importer', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultCertificate: 'imap-cert' } }, { id: 'other', tenantId: TENANT, clientId: CLIENT, credential: { keyVaultSecret: 's' } }], mailboxes: [{ id: 'scans', address: 'scans@contoso.com', app: 'importer' }, { id: 'hr', address: 'hr@contoso.com', app: 'other' }] }, 't'));
    const result = (mailbox: string, code: string) => ({ mailbox, address: `${mailbox}@contoso.com`, app: mailbox === 'scans' ? 'importer' : 'other', status: 'degraded' as const, warnings: [{ code: code as 'SECRET_EXPIRING', message: 'm', daysLeft: 5, expiresOn: '2027-01-01T00:00:00.000Z' }], phases: { secret: 1, token: 1, connect: 1, auth: 1, folder: 1, logout: 1 }, folder: null, token: null, checkedAt: '', durationMs: 1 });
    const report: RunReport = { startedAt: '', durationMs: 1, status: 'degraded', counts: { total: 2, ok: 0, degraded: 2, failed: 0 }, results: [result('scans', 'CERTIFICATE_EXPIRING'), result('hr', 'SECRET_EXPIRING')] };
    const events = runTelemetry(report, plan, { runId: 'r', trigger: 'cli', location: 'l', host: 'h', version: 'v' } as never).events.filter((e) => e.name === 'SecretExpiring');
    expect(events.map((e) => [e.properties.secretName, e.properties.code, e.properties.credentialKind])).toEqual([
      ['imap-cert', 'CERTIFICATE_EXPIRING', 'certificate'],
      ['s', 'SECRET_EXPIRING', 'secret'],
    ]);
  });
});

describe('#18 the notifier treats an expiring certificate as the credential\'s incident', () => {
  it('#18 CERTIFICATE_EXPIRING dates the credential (its notAfter) and is not a mailbox warning kind', () => {
    const { credentialObservation, mailboxWarningKinds } = require('../../shared/notify/incidents') as typeof import('../../shared/notify/incidents');
    const now = Date.parse('2026-12-04T00:00:00Z');
    const warning = { code: 'CERTIFICATE_EXPIRING' as const, message: 'm', expiresOn: '2026-12-09T00:00:00.000Z', daysLeft: 5 };
    expect(credentialObservation('payroll', [warning], now)).toMatchObject({ kind: 'credential', incident: 'credential:payroll', daysLeft: 5 });
    expect(mailboxWarningKinds({ warnings: [warning] } as never)).toBe('');
    // The twin: a warning that is not a credential's stays the mailbox's.
    expect(mailboxWarningKinds({ warnings: [{ code: 'MAILBOX_BACKLOG', message: 'm' }] } as never)).toBe('MAILBOX_BACKLOG');
  });
});
