/**
 * One read per secret per run (single-flight across the mailboxes that share it), and a short
 * cache across warm runs so a timer every minute does not hammer the vault.
 */
import { CheckFailure } from '../diagnosis/check-failure';
import { BoundedCache } from '../resilience/bounded-cache';
import { readCertificateFile, usableCertificate } from './certificate-reader';
import { readKeyVaultSecret, type VaultAccess } from './keyvault-secret';
import { describeLocation, isCertificateLocation, type ReadSecret, type SecretLocation } from './secret';

const WARM_CACHE_MS = 5 * 60 * 1000;
/** Bounded like every cache of a warm host: a config can only name so many secrets. */
const warm = new BoundedCache<string, { secret: ReadSecret; until: number }>(1024);

export class SecretReader {
  private readonly inFlight = new Map<string, Promise<ReadSecret>>();
  reads = 0;

  constructor(
    private readonly access: VaultAccess,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly useWarmCache = true,
  ) {}

  read(location: SecretLocation): Promise<ReadSecret> {
    const key = keyOf(location);
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.load(key, location).then((secret) => (isCertificateLocation(location) ? usableCertificate(secret, location) : usableSecret(secret, location)));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async load(key: string, location: SecretLocation): Promise<ReadSecret> {
    if ('env' in location) {
      const value = this.env[location.env];
      if (value === undefined) throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${describeLocation(location)} is not set`);
      if (value === '') throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${describeLocation(location)} is set but empty`);
      return { value };
    }
    // Read on every run: a local file costs nothing, and a replaced file is seen at once.
    if ('certificateFile' in location) return readCertificateFile(location);
    const cached = this.useWarmCache ? warm.get(key) : undefined;
    if (cached && cached.until > Date.now()) return { value: cached.secret.value, expiresOn: cached.secret.expiresOn, ...(cached.secret.contentType ? { contentType: cached.secret.contentType } : {}) };
    this.reads++;
    const secret = await readKeyVaultSecret(location.vaultUrl, location.name, location.version, this.access, undefined, location.certificate ? 'certificate' : 'secret');
    if (this.useWarmCache) warm.set(key, { secret, until: Date.now() + WARM_CACHE_MS });
    return secret;
  }
}

const BLANKS: Record<string, string> = { '\n': 'a line break', '\r\n': 'a Windows line break', ' ': 'a space', '\t': 'a tab' };

/**
 * Entra client secret values never contain whitespace, so a value with a trailing newline (from
 * `echo` or a file) is refused as a wrong secret, and "create a new secret" would be the wrong
 * fix. It is not trimmed here: the importing application reads the same stored value and fails
 * with it, so the monitor names the stray characters instead of hiding them.
 */
function usableSecret(secret: ReadSecret, location: SecretLocation): ReadSecret {
  const leading = /^\s+/.exec(secret.value)?.[0];
  const trailing = /\s+$/.exec(secret.value)?.[0];
  if (!leading && !trailing) return secret;
  const name = (blank: string) => BLANKS[blank] ?? `${blank.length} whitespace characters`;
  const what = [leading && `starts with ${name(leading)}`, trailing && `ends with ${name(trailing)}`].filter(Boolean).join(' and ');
  throw new CheckFailure('TOKEN_INVALID_SECRET', 'secret', `the client secret in ${describeLocation(location)} ${what}: a client secret value never contains whitespace, so Entra ID would refuse it`, { errorCode: 'SECRET_WHITESPACE' });
}

/**
 * Entra refused the secret: drop the warm copy, so the next run reads the vault again and picks
 * up a rotated value at once instead of minutes later.
 */
export function forgetWarmSecret(location: SecretLocation): void {
  warm.delete(keyOf(location));
}

function keyOf(location: SecretLocation): string {
  if ('env' in location) return `env:${location.env}`;
  if ('certificateFile' in location) return `file:${location.certificateFile}`;
  return `kv:${location.vaultUrl}|${location.name}|${location.version ?? ''}`;
}

export function clearWarmSecretCache(): void {
  warm.clear();
}
