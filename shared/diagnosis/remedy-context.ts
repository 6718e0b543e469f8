import { isKeyVaultDomain } from '../config/clouds';

/** The concrete values a remedy is filled in with: this mailbox, its app, its secret, the token. */
export interface RemedyContext {
  mailboxId: string;
  address: string;
  host: string;
  port: number;
  folder: string;
  appId: string;
  clientId: string;
  tenantId: string;
  appName: string;
  imapResource: string;
  /** Exchange Online's resource in this cloud: what `imapResource` should be. */
  exchangeResource: string;
  authorityHost: string;
  /**
   * Where the client secret lives: a vault secret or an environment variable; for an app that
   * signs in with a certificate (issue 18), a vault certificate (`certificate: true`) or a file.
   */
  secret: { vaultUrl: string; name: string; certificate?: true; sendX5c?: true } | { env: string } | { certificateFile: string; sendX5c?: true };
  /** The certificate the monitor read (public facts only), once read. */
  certificate?: { thumbprintSha1: string; thumbprintSha256: string; subject: string; notAfter: string };
  /** From the token, when one was obtained. */
  objectId?: string;
  roles?: string[];
  audience?: string;
  tokenTenantId?: string;
  aadsts?: number;
  serverResponse?: string;
  /** The SDK's or socket's error code behind the failure (e.g. CredentialUnavailableError). */
  errorCode?: string;
  /** The Entra credential in use and a newer one, when read from Microsoft Graph. */
  entraInUse?: { keyId: string; displayName: string | null; end: string };
  entraNewer?: { keyId: string; displayName: string | null; end: string };
  /** The object id Key Vault named as the caller it refused (its 403 says `Caller: appid=…;oid=…`). */
  callerObjectId?: string;
  /** The client id the monitor's Azure credential signs in with (AZURE_CLIENT_ID: on Azure, its user-assigned identity). */
  monitorClientId?: string;
  /** Which deadline ended a CHECK_TIMEOUT. */
  deadline?: 'check' | 'run' | 'interrupted';
}

/** The name az wants (--vault-name); a vault behind another host name cannot be named for it. */
export function vaultName(vaultUrl: string): string {
  const host = new URL(vaultUrl).hostname;
  return isKeyVaultDomain(vaultUrl) ? host.split('.')[0]! : `<name of the vault at ${host}>`;
}
