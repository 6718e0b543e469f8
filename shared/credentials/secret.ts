import type { CredentialRef } from '../config/schema';
import type { AttemptRecord } from '../run/retry';

/** A client secret as read from its source. `value` is secret: it never leaves the engine. */
export interface ReadSecret {
  value: string;
  /** The vault's `expiresOn`; null when the vault secret has none; undefined for env secrets. */
  expiresOn?: Date | null;
  /** Requests made to read it (absent: no request, e.g. an environment variable or the warm cache). */
  record?: AttemptRecord;
}

/** Where one app's secret lives, with the vault URL resolved. */
export type SecretLocation = { vaultUrl: string; name: string; version?: string } | { env: string };

export function secretLocation(ref: CredentialRef, defaultVaultUrl: string | undefined): SecretLocation {
  if ('env' in ref) return { env: ref.env };
  // Validation guarantees one of the two is set (cross-checks.ts).
  return { vaultUrl: ref.keyVaultUrl ?? defaultVaultUrl!, name: ref.keyVaultSecret, version: ref.version };
}

export function describeLocation(location: SecretLocation): string {
  return 'env' in location ? `environment variable ${location.env}` : `secret ${location.name} in ${location.vaultUrl}`;
}
