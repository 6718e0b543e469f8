// The vault holding the mailbox apps' client secrets, named by the config's keyVaultUrl. RBAC
// authorization only (no access policies): the monitor's identity reads, the deployer writes
// (rbac.bicep). Declared directly with what the AVM module (key-vault/vault 0.13.3) set, apart from
// the three enabledFor* switches (below).
param name string
param location string
param tags object

@description('Purge protection: a deleted vault cannot be purged for the retention period (see infra/README.md, "Key Vault after azd down").')
param enablePurgeProtection bool

@description('default: create the vault (fails while a soft-deleted vault of the same name exists); recover: bring that soft-deleted vault back, its secrets with it.')
@allowed(['default', 'recover'])
param createMode string

resource vault 'Microsoft.KeyVault/vaults@2024-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    createMode: createMode
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    // Once on, purge protection cannot be switched off: false is sent as "not set" (null), as the
    // AVM module 0.13.3 did, so a later deployment with false does not fail on an existing vault.
    enablePurgeProtection: enablePurgeProtection ? true : null
    // The AVM module defaulted these three to true. Nothing here needs virtual machines, ARM
    // template deployments or disk encryption to read the vault: only the monitor's identity does.
    enabledForDeployment: false
    enabledForTemplateDeployment: false
    enabledForDiskEncryption: false
    // The Function App reaches the vault over its public endpoint (no virtual network here);
    // access is decided by Entra ID and RBAC.
    publicNetworkAccess: 'Enabled'
  }
}

output name string = vault.name
output uri string = vault.properties.vaultUri
