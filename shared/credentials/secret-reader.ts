/**
 * One read per secret per run (single-flight across the mailboxes that share it), and a short
 * cache across warm runs so a timer every minute does not hammer the vault.
 */
import { CheckFailure } from '../diagnosis/check-failure';
import { BoundedCache } from '../run/bounded-cache';
import { readKeyVaultSecret, type VaultAccess } from './keyvault-secret';
import { describeLocation, type ReadSecret, type SecretLocation } from './secret';

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
      pending = this.load(key, location);
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async load(key: string, location: SecretLocation): Promise<ReadSecret> {
    if ('env' in location) {
      const value = this.env[location.env];
      if (!value) throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${describeLocation(location)} is not set`);
      return { value };
    }
    const cached = this.useWarmCache ? warm.get(key) : undefined;
    if (cached && cached.until > Date.now()) return { value: cached.secret.value, expiresOn: cached.secret.expiresOn };
    this.reads++;
    const secret = await readKeyVaultSecret(location.vaultUrl, location.name, location.version, this.access);
    if (this.useWarmCache) warm.set(key, { secret, until: Date.now() + WARM_CACHE_MS });
    return secret;
  }
}

/**
 * Entra refused the secret: drop the warm copy, so the next run reads the vault again and picks
 * up a rotated value at once instead of minutes later.
 */
export function forgetWarmSecret(location: SecretLocation): void {
  warm.delete(keyOf(location));
}

function keyOf(location: SecretLocation): string {
  return 'env' in location ? `env:${location.env}` : `kv:${location.vaultUrl}|${location.name}|${location.version ?? ''}`;
}

export function clearWarmSecretCache(): void {
  warm.clear();
}
