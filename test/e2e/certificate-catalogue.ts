/**
 * Certificate credentials (issue 18): one simulated tenant where every way an app signing in with a
 * certificate can fail happens at once, each on its own app and mailbox, next to healthy ones.
 * Same tenant id as the catalogue, so its apps can be added to the catalogue's tenant (leak search).
 * Certificates are generated once per process (their keys are never committed).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigInput } from '../../shared/config/schema';
import { createAppCertificate, keyCredentialOf, vaultCertificateSecret, type SimCertificate, type VaultCertificateOptions } from '../../sim/certificates';
import type { Scenario, SimApp, SimMailbox, SimVaultSecret } from '../../sim/scenario';
import { TENANT, type Expected } from './catalogue';

const DAY = 86_400_000;
const guid = (n: number) => `0000${n.toString(16).padStart(4, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

interface CertApp {
  id: string;
  /** The certificate as the vault (or file) holds it; null: nothing in the vault. */
  held: { startsInDays?: number; days?: number; keyType?: 'ec'; byCa?: boolean } | null;
  vault?: VaultCertificateOptions;
  /** What is on the app registration: the held certificate, another one, the held one with its key credential ended, nothing. */
  registered: 'held' | 'other' | 'ended' | 'none';
  /** The app trusts the catalogue CA's subject `CN=<id>.catalogue.example` (subject name and issuer). */
  trustsSubject?: boolean;
  file?: boolean;
  sendX5c?: boolean;
  app?: Partial<SimApp>;
}

export const CERT_APPS: CertApp[] = [
  { id: 'certgood', held: {}, registered: 'held' },
  { id: 'certpfx', held: {}, vault: { format: 'pkcs12' }, registered: 'held' },
  { id: 'certfile', held: {}, file: true, registered: 'held' },
  { id: 'certsni', held: { byCa: true }, registered: 'none', trustsSubject: true, sendX5c: true },
  { id: 'certnox5c', held: { byCa: true }, registered: 'none', trustsSubject: true },
  { id: 'certsubject', held: {}, registered: 'none', trustsSubject: true, sendX5c: true },
  { id: 'certother', held: {}, registered: 'other' },
  { id: 'certended', held: {}, registered: 'ended' },
  { id: 'certclock', held: {}, registered: 'held', app: { tokenFault: 'assertion-clock-skew' } },
  { id: 'certexpired', held: { startsInDays: -400, days: 365 }, registered: 'held' },
  { id: 'certfuture', held: { startsInDays: 3 }, registered: 'held' },
  { id: 'certnokey', held: {}, vault: { exportable: false }, registered: 'held' },
  { id: 'certnokeypfx', held: {}, vault: { exportable: false, format: 'pkcs12' }, registered: 'held' },
  { id: 'certpassword', held: {}, vault: { format: 'pkcs12', password: 'pfx-password-1' }, registered: 'held' },
  { id: 'certec', held: { keyType: 'ec' }, registered: 'held' },
  { id: 'certexpiring', held: { startsInDays: -360, days: 365 }, registered: 'held' },
  { id: 'certmissing', held: null, registered: 'none' },
];

export const certClientOf = (id: string) => guid(0x200 + CERT_APPS.findIndex((a) => a.id === id) + 1);
const oidOf = (id: string) => guid(0x300 + CERT_APPS.findIndex((a) => a.id === id) + 1);
const address = (id: string) => `${id}@catalogue.example`;

let made: { ca: SimCertificate; held: Map<string, SimCertificate>; other: SimCertificate; dir: string } | undefined;

/** The certificates, made once per process: the leak search lists their keys, the tests their thumbprints. */
export function certificates() {
  if (made) return made;
  const ca = createAppCertificate('CA catalogue issuing CA', { days: 30 });
  // One RSA key for every app certificate (each has its own thumbprint): generating a key per app
  // took most of a minute on a loaded machine.
  const keyPem = createAppCertificate('key holder').keyPem;
  const held = new Map<string, SimCertificate>();
  for (const a of CERT_APPS) {
    if (!a.held) continue;
    held.set(a.id, createAppCertificate(`${a.id}.catalogue.example`, { ...a.held, ...(a.held.byCa ? { issuer: ca } : {}), ...(a.held.keyType ? {} : { keyPem }) }));
  }
  const dir = mkdtempSync(join(tmpdir(), 'cert-catalogue-'));
  for (const a of CERT_APPS.filter((x) => x.file)) {
    const cert = held.get(a.id)!;
    writeFileSync(join(dir, `${a.id}.pem`), `${cert.certPem}${cert.keyPem}`, { mode: 0o600 });
  }
  made = { ca, held, other: createAppCertificate('someone-else.catalogue.example', { keyPem }), dir };
  return made;
}

export const certificateFileOf = (id: string) => join(certificates().dir, `${id}.pem`);

export const CERT_MAILBOXES: [string, Expected][] = [
  ['certgood', { status: 'ok' }],
  ['certpfx', { status: 'ok' }],
  ['certfile', { status: 'ok' }],
  ['certsni', { status: 'ok' }],
  ['certnox5c', { status: 'failed', code: 'TOKEN_INVALID_CERTIFICATE', phase: 'token', remedy: [`az ad app credential list --id ${'{client}'} --cert`, 'az keyvault certificate download', '"sendX5c": true in the credential of app certnox5c'] }],
  ['certsubject', { status: 'failed', code: 'TOKEN_INVALID_CERTIFICATE', phase: 'token', remedy: ['AADSTS700030', 'trustedCertificateSubjects'] }],
  ['certother', { status: 'failed', code: 'TOKEN_INVALID_CERTIFICATE', phase: 'token', remedy: ['--cert @certother-cert.pem --append', '{thumbprint}'] }],
  ['certended', { status: 'failed', code: 'TOKEN_INVALID_CERTIFICATE', phase: 'token', remedy: ['AADSTS700027'] }],
  ['certclock', { status: 'failed', code: 'TOKEN_ASSERTION_OUT_OF_TIME', phase: 'token', remedy: ['AADSTS700024', 'date -u'] }],
  ['certexpired', { status: 'failed', code: 'CERTIFICATE_EXPIRED', phase: 'secret', remedy: ['az keyvault certificate create --vault-name', '--name certexpired-cert', '--cert @certexpired-cert.pem --append'] }],
  ['certfuture', { status: 'failed', code: 'CERTIFICATE_NOT_YET_VALID', phase: 'secret', remedy: ['date -u'] }],
  ['certnokey', { status: 'failed', code: 'CERTIFICATE_NO_PRIVATE_KEY', phase: 'secret', remedy: ['non-exportable', '"$(az keyvault certificate get-default-policy)"'] }],
  ['certnokeypfx', { status: 'failed', code: 'CERTIFICATE_NO_PRIVATE_KEY', phase: 'secret', remedy: ['non-exportable'] }],
  ['certpassword', { status: 'failed', code: 'CERTIFICATE_PASSWORD_PROTECTED', phase: 'secret', remedy: ['az keyvault certificate import --vault-name', '--password'] }],
  ['certec', { status: 'failed', code: 'CERTIFICATE_UNUSABLE', phase: 'secret', remedy: ['not RSA'] }],
  ['certexpiring', { status: 'degraded', warnings: ['CERTIFICATE_EXPIRING'], remedy: ['az keyvault certificate create --vault-name', '--query policy -o json'] }],
  ['certmissing', { status: 'failed', code: 'SECRET_NOT_FOUND', phase: 'secret', remedy: ['no certificate certmissing-cert', 'az keyvault certificate list'] }],
];

/** The expectation with its placeholders filled in ({client}: the app's client id, {thumbprint}: the held certificate's). */
export function expectedFor(id: string, expected: Expected): Expected {
  const fill = (text: string) => text.replace('{client}', certClientOf(id)).replace('{thumbprint}', certificates().held.get(id)?.thumbprintSha1 ?? '');
  return { ...expected, ...(expected.remedy ? { remedy: expected.remedy.map(fill) } : {}) };
}

export function certificateApps(): SimApp[] {
  const { held, other } = certificates();
  return CERT_APPS.map((a) => {
    const cert = held.get(a.id);
    const key =
      a.registered === 'held' && cert
        ? [keyCredentialOf(cert, guid(0x400 + CERT_APPS.indexOf(a) + 1), `${a.id} certificate`)]
        : a.registered === 'ended' && cert
          ? [keyCredentialOf(cert, guid(0x400 + CERT_APPS.indexOf(a) + 1), `${a.id} certificate`, { end: new Date(Date.now() - DAY) })]
          : a.registered === 'other'
            ? [keyCredentialOf(other, guid(0x500 + CERT_APPS.indexOf(a) + 1), 'the certificate someone uploaded')]
            : [];
    return {
      clientId: certClientOf(a.id),
      tenantId: TENANT,
      displayName: `app ${a.id}`,
      // Never sent: the app signs in with its certificate.
      secret: `Sec~${a.id}-unused-secret-value`,
      servicePrincipalObjectId: oidOf(a.id),
      roles: ['IMAP.AccessAsApp'],
      credentials: { password: [], key },
      ...(a.trustsSubject ? { trustedCertificateSubjects: [{ subject: `CN=${a.id === 'certsubject' ? 'certsni' : a.id}.catalogue.example`, issuerCertPem: certificates().ca.certPem }] } : {}),
      ...a.app,
    };
  });
}

export function certificateVaultSecrets(): SimVaultSecret[] {
  const { held } = certificates();
  return CERT_APPS.filter((a) => a.held && !a.file).map((a) => vaultCertificateSecret(`${a.id}-cert`, held.get(a.id)!, a.vault));
}

export function certificateMailboxes(): SimMailbox[] {
  return CERT_APPS.map((a) => ({ address: address(a.id), fullAccess: [oidOf(a.id)], folders: [{ name: 'INBOX', messages: [{ seen: true, receivedMinutesAgo: 90 }] }] }));
}

export function certificateServicePrincipals() {
  return CERT_APPS.map((a) => ({ appId: certClientOf(a.id), objectId: oidOf(a.id) }));
}

/** A tenant of the certificate apps only. */
export function certificateScenario(monitor: Scenario['monitorIdentity']): Scenario {
  return {
    tenants: [TENANT],
    apps: certificateApps(),
    vault: { secrets: certificateVaultSecrets() },
    exchange: { servicePrincipals: certificateServicePrincipals(), mailboxes: certificateMailboxes() },
    monitorIdentity: monitor,
  };
}

export function certificateConfigApps(): ConfigInput['apps'] {
  return CERT_APPS.map((a) => ({
    id: a.id,
    tenantId: TENANT,
    clientId: certClientOf(a.id),
    displayName: `app ${a.id}`,
    credential: a.file ? { certificateFile: certificateFileOf(a.id), ...(a.sendX5c ? { sendX5c: true } : {}) } : { keyVaultCertificate: `${a.id}-cert`, ...(a.sendX5c ? { sendX5c: true } : {}) },
  }));
}

export function certificateConfigMailboxes(only?: (id: string) => boolean): ConfigInput['mailboxes'] {
  return CERT_APPS.filter((a) => !only || only(a.id)).map((a) => ({ id: a.id, address: address(a.id), app: a.id }));
}

/** Every private key the tenant holds, as PEM and as base64 DER (PKCS#8 and PKCS#1): none may reach an output. */
export function privateKeyValues(): string[] {
  const { held } = certificates();
  const { createPrivateKey } = require('node:crypto') as typeof import('node:crypto');
  return [...new Map([...held.values()].map((cert) => [cert.keyPem, cert])).values()].flatMap((cert) => {
    const key = createPrivateKey(cert.keyPem);
    const der = [key.export({ type: 'pkcs8', format: 'der' }).toString('base64')];
    if (key.asymmetricKeyType === 'rsa') der.push(key.export({ type: 'pkcs1', format: 'der' }).toString('base64'));
    return [cert.keyPem.trim(), ...der];
  });
}
