/**
 * The national clouds. Authority metadata is built from the host and tenant (see
 * token/authority.ts), never discovered: no round trip to the authority before the token request.
 */
export interface CloudEndpoints {
  name: string;
  /** Entra ID authority host, e.g. https://login.microsoftonline.com */
  authorityHost: string;
  /** The resource an IMAP token is issued for; the scope is `<imapResource>/.default`. */
  imapResource: string;
  /** The IMAP server mailboxes use unless the config says otherwise. */
  imapHost: string;
  /**
   * Microsoft Graph of this cloud: where the monitor reads app registrations and sends mail, and
   * the resource its token is for (`<graphResource>/.default`). Null for a custom cloud that names
   * no Graph: then nothing is read from Entra.
   */
  graphUrl: string | null;
  graphResource: string | null;
}

export const CLOUDS = {
  public: {
    name: 'public',
    authorityHost: 'https://login.microsoftonline.com',
    imapResource: 'https://outlook.office365.com',
    imapHost: 'outlook.office365.com',
    graphUrl: 'https://graph.microsoft.com',
    graphResource: 'https://graph.microsoft.com',
  },
  // GCC High / DoD tenants (Office 365 US Government).
  usgov: {
    name: 'usgov',
    authorityHost: 'https://login.microsoftonline.us',
    imapResource: 'https://outlook.office365.us',
    imapHost: 'outlook.office365.us',
    // GCC High; DoD tenants use dod-graph.microsoft.us (a custom cloud).
    graphUrl: 'https://graph.microsoft.us',
    graphResource: 'https://graph.microsoft.us',
  },
  // Office 365 operated by 21Vianet.
  china: {
    name: 'china',
    authorityHost: 'https://login.chinacloudapi.cn',
    imapResource: 'https://partner.outlook.cn',
    imapHost: 'partner.outlook.cn',
    graphUrl: 'https://microsoftgraph.chinacloudapi.cn',
    graphResource: 'https://microsoftgraph.chinacloudapi.cn',
  },
} as const satisfies Record<string, CloudEndpoints>;

export type CloudName = keyof typeof CLOUDS;

/** The Key Vault DNS suffixes whose challenge resource the SDK may keep verifying. */
export const KEY_VAULT_DOMAINS = ['.vault.azure.net', '.vault.usgovcloudapi.net', '.vault.azure.cn'];

export function isKeyVaultDomain(vaultUrl: string): boolean {
  const host = new URL(vaultUrl).hostname.toLowerCase();
  return KEY_VAULT_DOMAINS.some((suffix) => host.endsWith(suffix));
}

/** Office 365 Exchange Online's application id: v2 tokens carry it as `aud`, and it owns IMAP.AccessAsApp. */
export const EXCHANGE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';

/**
 * Exchange Online's resource URIs (v1 tokens carry one as `aud`): the public cloud's two names,
 * GCC High, DoD and 21Vianet. A token for anything else (Microsoft Graph, a mistyped resource)
 * cannot open IMAP, whatever `cloud.imapResource` says.
 */
export const EXCHANGE_RESOURCES = ['https://outlook.office365.com', 'https://outlook.office.com', 'https://outlook.office365.us', 'https://outlook-dod.office365.us', 'https://partner.outlook.cn'];

const normalResource = (value: string) => value.replace(/\/+$/, '').toLowerCase();

export function isExchangeAudience(audience: string | null | undefined): boolean {
  if (!audience) return false;
  return audience.toLowerCase() === EXCHANGE_APP_ID || EXCHANGE_RESOURCES.includes(normalResource(audience));
}

/** The Exchange resource to ask for in this cloud: the configured one when it is Exchange, else the cloud's by its authority. */
export function exchangeResourceOf(cloud: Pick<CloudEndpoints, 'authorityHost' | 'imapResource'>): string {
  if (EXCHANGE_RESOURCES.includes(normalResource(cloud.imapResource))) return normalResource(cloud.imapResource);
  const authority = new URL(cloud.authorityHost).hostname;
  if (authority.endsWith('.us')) return CLOUDS.usgov.imapResource;
  if (authority.endsWith('.cn')) return CLOUDS.china.imapResource;
  return CLOUDS.public.imapResource;
}

/** Key Vault's resource (the token scope a vault may ask for) by the cloud's authority host. */
export function vaultResourceOf(authorityHost: string): string {
  const authority = new URL(authorityHost).hostname;
  if (authority.endsWith('.us')) return 'https://vault.usgovcloudapi.net';
  if (authority.endsWith('.cn')) return 'https://vault.azure.cn';
  return 'https://vault.azure.net';
}
