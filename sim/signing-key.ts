/**
 * The simulated Entra tenant's token-signing key. Entra signs access tokens with RS256 and names
 * the key in the JWT header's `kid`; verifiers (the simulated Key Vault, the Exchange-rules IMAP
 * side, Dovecot's local validation) pick the public key by that `kid`. The key is made at run time
 * and lives only in memory: nothing that can mint tokens is ever written to the repository.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';

export interface SigningKey {
  /** Key id: base64url SHA-1 of the public key (Entra's kids look like this: 27 url-safe chars). */
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function createSigningKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  return {
    // A url-safe kid is also a safe file name: Dovecot reads keys from `.../RS256/<kid>`.
    kid: createHash('sha1').update(spki).digest('base64url'),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}
