import type { CredentialRef } from '../config/schema';
import type { AttemptRecord } from '../resilience/retry';
import type { LoadedCertificate } from './certificate';

/**
 * A client credential as read from its source. `value` is secret: it never leaves the engine — a
 * client secret's value, or for a certificate its private key (PEM), with the certificate's public
 * facts beside it.
 */
export interface ReadSecret {
  value: string;
  /** The vault's `expiresOn` (a certificate's: its notAfter); null when the vault secret has none; undefined for env secrets. */
  expiresOn?: Date | null;
  /** Requests made to read it (absent: no request, e.g. an environment variable or the warm cache). */
  record?: AttemptRecord;
  /** The vault secret's content type (a certificate's backing secret: application/x-pem-file or application/x-pkcs12). */
  contentType?: string;
  /** Set when the credential is a certificate: what the assertion is built from (never the key). */
  certificate?: LoadedCertificate;
}

/** How a certificate signs in: with its chain in every assertion (x5c) for apps that trust by subject name and issuer. */
export interface CertificateUse {
  sendX5c: boolean;
}

/**
 * Where one app's credential lives, with the vault URL resolved: a vault secret, an environment
 * variable, a vault certificate (read through its backing secret, which has the certificate's
 * name: `certificate` marks it) or a certificate file.
 */
export type SecretLocation =
  | { vaultUrl: string; name: string; version?: string; certificate?: CertificateUse }
  | { env: string }
  | { certificateFile: string; certificate: CertificateUse };

export function secretLocation(ref: CredentialRef, defaultVaultUrl: string | undefined): SecretLocation {
  if ('env' in ref) return { env: ref.env };
  if ('certificateFile' in ref) return { certificateFile: ref.certificateFile, certificate: { sendX5c: ref.sendX5c ?? false } };
  // Validation guarantees one of the two is set (cross-checks.ts).
  if ('keyVaultCertificate' in ref) {
    return { vaultUrl: ref.keyVaultUrl ?? defaultVaultUrl!, name: ref.keyVaultCertificate, version: ref.version, certificate: { sendX5c: ref.sendX5c ?? false } };
  }
  return { vaultUrl: ref.keyVaultUrl ?? defaultVaultUrl!, name: ref.keyVaultSecret, version: ref.version };
}

export function isCertificateLocation(location: SecretLocation): boolean {
  return 'certificate' in location && location.certificate !== undefined;
}

/** The credential's name as reports show it: the secret's or certificate's, the variable's, the file's path. */
export function locationName(location: SecretLocation): string {
  if ('env' in location) return location.env;
  if ('certificateFile' in location) return location.certificateFile;
  return location.name;
}

export function describeLocation(location: SecretLocation): string {
  if ('env' in location) return `environment variable ${location.env}`;
  if ('certificateFile' in location) return `certificate file ${location.certificateFile}`;
  return `${location.certificate ? 'certificate' : 'secret'} ${location.name} in ${location.vaultUrl}`;
}
