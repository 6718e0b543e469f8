/**
 * What the token step and the redactor need from a certificate credential (issue 18).
 */
import { createPrivateKey } from 'node:crypto';
import type { LoadedCertificate } from './certificate';
import type { SecretLocation } from './secret';

/** For msal-node's `clientCertificate`: the SHA-256 thumbprint (PS256, `x5t#S256`) and, when configured, the chain (`x5c`). */
export interface TokenCertificate {
  thumbprintSha256: string;
  x5c?: string;
}

export function tokenCertificate(certificate: LoadedCertificate, location: SecretLocation): TokenCertificate {
  const sendX5c = 'certificate' in location && location.certificate?.sendX5c === true;
  return { thumbprintSha256: certificate.thumbprintSha256, ...(sendX5c ? { x5c: certificate.chainPem } : {}) };
}

/**
 * The private key as an echo or a log could show it besides its PEM text: base64 of its DER
 * (PKCS#8 and PKCS#1, on one line) and each line of its PEM body. The redactor matches whole
 * values; these are each long enough never to blank out an ordinary word.
 */
export function privateKeyForms(privateKeyPem: string, certificate: LoadedCertificate | undefined): string[] {
  if (!certificate) return [];
  const key = createPrivateKey(privateKeyPem);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const pkcs1 = key.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  const lines = [privateKeyPem, key.export({ type: 'pkcs1', format: 'pem' }).toString()].flatMap((pem) => pem.split(/\r?\n/).filter((line) => line.length >= 40 && !line.startsWith('-----')));
  return [pkcs8, pkcs1, ...lines];
}

/** The certificate's public facts as remedies and warnings use them (RemedyContext.certificate). */
export function certificateFacts(certificate: LoadedCertificate): { thumbprintSha1: string; thumbprintSha256: string; subject: string; notAfter: string } {
  return { thumbprintSha1: certificate.thumbprintSha1, thumbprintSha256: certificate.thumbprintSha256.toUpperCase(), subject: certificate.subject, notAfter: certificate.notAfter.toISOString() };
}
