/**
 * What the app registration says about the certificate the monitor signs with (issue 18): which of
 * the app's key credentials it is (Graph's `customKeyIdentifier` is the SHA-1 thumbprint, as a
 * secret is found by its hint), when that one ends in Entra, and whether a newer certificate was
 * added but never put where the application reads it. The other certificates on the app are
 * counted, as the other secrets are (`certificatesOnApp`), not warned about one by one.
 */
import type { Warning } from '../contract/result';
import type { LoadedCertificate } from '../credentials/certificate';
import { matchesThumbprint } from '../credentials/certificate';
import type { AppCredentials, EntraCertificate } from '../entra/app-credentials';
import type { RemedyContext } from './remedy-context';
import { warning } from './warnings';

const DAY_MS = 24 * 60 * 60 * 1000;
const day = (d: Date) => d.toISOString().slice(0, 10);
const name = (k: EntraCertificate) => (k.displayName ? `'${k.displayName}'` : '(no name)');

export function certificateInUse(certificates: EntraCertificate[], thumbprintSha1: string): EntraCertificate | undefined {
  // The same certificate uploaded twice has the same thumbprint: the first to end is the one to warn about.
  return certificates.filter((k) => matchesThumbprint(k.customKeyIdentifier, thumbprintSha1)).sort((a, b) => a.end.getTime() - b.end.getTime())[0];
}

/** A certificate added after the one in use that outlives it: the first half of a rotation. */
export function newerCertificate(certificates: EntraCertificate[], inUse: EntraCertificate): EntraCertificate | undefined {
  return certificates
    .filter((k) => k !== inUse && k.customKeyIdentifier !== inUse.customKeyIdentifier && k.end.getTime() > inUse.end.getTime() && (!k.start || !inUse.start || k.start.getTime() >= inUse.start.getTime()))
    .sort((a, b) => b.end.getTime() - a.end.getTime())[0];
}

export interface EntraCertificateInput {
  app: AppCredentials;
  certificate: LoadedCertificate;
  thresholdDays: number;
  context: RemedyContext;
  now: number;
}

export function entraCertificateWarnings(input: EntraCertificateInput): Warning[] {
  const { app, certificate, thresholdDays, context, now } = input;
  const inUse = certificateInUse(app.certificates, certificate.thumbprintSha1);
  // Not on the app: Entra refused it (TOKEN_INVALID_CERTIFICATE), or the app trusts it by subject
  // name and issuer (no key credential to date): nothing here to date.
  if (!inUse) return [];
  const newer = newerCertificate(app.certificates, inUse);
  context.entraInUse = { keyId: inUse.keyId, displayName: inUse.displayName, end: inUse.end.toISOString() };
  if (newer) context.entraNewer = { keyId: newer.keyId, displayName: newer.displayName, end: newer.end.toISOString() };
  const daysLeft = Math.floor((inUse.end.getTime() - now) / DAY_MS);
  const facts = {
    credentialKind: 'certificate',
    credentialKeyId: inUse.keyId,
    credentialName: inUse.displayName,
    thumbprint: certificate.thumbprintSha1,
    endDateTime: inUse.end.toISOString(),
    daysLeft,
    certificatesOnApp: app.certificates.length,
  };
  if (daysLeft >= thresholdDays) return [];
  const among = app.certificates.length > 1 ? ` (in use, 1 of ${app.certificates.length} certificates on the app)` : '';
  const when = inUse.end.getTime() <= now ? `expired on ${day(inUse.end)}` : `expires on ${day(inUse.end)}, in ${daysLeft} day(s)`;
  const newerNote = newer ? `; a newer certificate ${name(newer)} valid until ${day(newer.end)} already exists` : app.certificates.length > 1 ? '; no newer certificate exists yet' : '';
  const warnings = [warning('CREDENTIAL_EXPIRING', `Entra: certificate ${name(inUse)} with thumbprint ${certificate.thumbprintSha1}${among} of app ${app.displayName} ${when}${newerNote}`, context, facts)];
  if (newer) {
    warnings.push(
      warning('CREDENTIAL_ROTATION_INCOMPLETE', `rotation half done: app ${app.displayName} has the newer certificate ${name(newer)} (until ${day(newer.end)}), but the monitor still signs with ${name(inUse)} (thumbprint ${certificate.thumbprintSha1}, ends ${day(inUse.end)})`, context, {
        ...facts,
        newerKeyId: newer.keyId,
        newerName: newer.displayName,
        newerEndDateTime: newer.end.toISOString(),
      }),
    );
  }
  return warnings;
}
