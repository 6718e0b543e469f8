/**
 * Fixed identifiers of Microsoft's first-party apps and roles, the same in every tenant, and
 * the names the deployment's outputs carry. Named here once so setup, infra tests and the docs
 * (docs/deploy.md) agree.
 */
import type { Config } from '../config/schema';

/** "Office 365 Exchange Online", the resource an IMAP token is for. */
export const EXCHANGE_ONLINE_APP_ID = '00000002-0000-0ff1-ce00-000000000000';
/** Its application permission IMAP.AccessAsApp (not Graph's delegated IMAP.AccessAsUser.All). */
export const IMAP_ACCESS_AS_APP_ROLE_ID = '5e5addcd-3e8d-4e90-baf5-964efab2b20a';
/** Microsoft Graph. */
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
/** Graph application permission Application.Read.All: the monitor reads secret expiry from Entra. */
export const GRAPH_APPLICATION_READ_ALL_ROLE_ID = '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30';
/**
 * Graph application permission ServiceHealth.Read.All (issue 20): the monitor reads Exchange Online
 * incidents (`GET /admin/serviceAnnouncement/issues`). The id as Microsoft Graph's app role lists it
 * (Microsoft Graph permissions reference, "ServiceHealth.Read.All", application: "Read service health").
 */
export const GRAPH_SERVICE_HEALTH_READ_ALL_ROLE_ID = '79c261e0-fe76-4144-aad5-bdc68fbe4037';

/** Outputs of infra/main.bicep that azd stores in the environment (`azd env get-value NAME`). */
export const DEPLOYMENT_OUTPUTS = {
  identityClientId: 'MONITOR_IDENTITY_CLIENT_ID',
  identityPrincipalId: 'MONITOR_IDENTITY_PRINCIPAL_ID',
  keyVaultName: 'AZURE_KEY_VAULT_NAME',
  functionAppName: 'AZURE_FUNCTION_APP_NAME',
  /** The subscription's tenant: the monitor's identity and the Key Vault live there. */
  tenantId: 'AZURE_TENANT_ID',
} as const;

/** The azd environment value infra/main.parameters.json reads the config from (base64: no quoting trouble). */
export const CONFIG_BASE64_ENV = 'MAILBOX_HEALTH_CONFIG_BASE64';

/**
 * `"usgov"` covers Microsoft 365 GCC High and DoD, which Exchange Online PowerShell reaches under
 * different names (Connect-ExchangeOnline -ExchangeEnvironmentName, whose reference lists
 * O365Default, O365GermanyCloud, O365China, O365USGovGCCHigh, O365USGovDoD).
 */
export const USGOV_EXCHANGE_ENVIRONMENTS = ['O365USGovGCCHigh', 'O365USGovDoD'] as const;
export type UsGovExchangeEnvironment = (typeof USGOV_EXCHANGE_ENVIRONMENTS)[number];

export interface CloudTools {
  /** `az cloud set --name` value; null for the public cloud (the default). */
  azCloud: string | null;
  /** `Connect-ExchangeOnline -ExchangeEnvironmentName` value (usgov: GCC High unless told DoD); null for the public cloud. */
  exchangeEnvironment: string | null;
  graphHost: string;
}

/** Per cloud: which az cloud, which Exchange Online environment, which Graph host. */
export function cloudTools(cloud: Config['cloud'], usgov: UsGovExchangeEnvironment = 'O365USGovGCCHigh'): CloudTools {
  // Microsoft Graph has its own host for DoD (national cloud deployments: L4 graph.microsoft.us, L5 dod-graph.microsoft.us).
  if (cloud === 'usgov') return { azCloud: 'AzureUSGovernment', exchangeEnvironment: usgov, graphHost: usgov === 'O365USGovDoD' ? 'https://dod-graph.microsoft.us' : 'https://graph.microsoft.us' };
  if (cloud === 'china') return { azCloud: 'AzureChinaCloud', exchangeEnvironment: 'O365China', graphHost: 'https://microsoftgraph.chinacloudapi.cn' };
  return { azCloud: null, exchangeEnvironment: null, graphHost: 'https://graph.microsoft.com' };
}
