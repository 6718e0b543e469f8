// m365-mailbox-health: everything the monitor needs, with no keys or passwords anywhere.
// One user-assigned identity reaches Key Vault, Storage and Application Insights; Storage has
// shared-key access off and Application Insights local auth off. `azd up` deploys it (azure.yaml;
// azd fills main.parameters.json's placeholders from its environment). Without azd, reading the
// same environment variables:
//   az deployment sub create -l <region> -f infra/main.bicep -p infra/main.bicepparam
// CI compiles and lints it with the Bicep CLI (test/infra/); only Azure can run the what-if
// (`azd provision --preview`).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name: names the resource group and seeds the unique resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource; Flex Consumption must be offered there.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Object id of the person deploying (azd sets AZURE_PRINCIPAL_ID): gets Key Vault Secrets Officer to store the client secrets. Empty: none.')
param principalId string = ''

// A role assignment whose principalType does not match the principal fails (UnmatchedPrincipalType):
// azd run by a pipeline's service principal sets ServicePrincipal.
@description('What principalId is (azd sets AZURE_PRINCIPAL_TYPE): User, or ServicePrincipal when a pipeline deploys.')
@allowed(['User', 'ServicePrincipal'])
param principalType string = 'User'

@description('Key Vault name: the vault in the config\'s keyVaultUrl (https://<name>.vault.azure.net). Empty: a generated name.')
@maxLength(24)
param keyVaultName string = ''

// The vault's name is fixed by the config (keyVaultUrl), so after `azd down` the next `azd up` meets
// the soft-deleted vault of the same name: infra/README.md, "Key Vault after azd down".
@description('Purge protection on the vault (default true): a deleted vault and its secrets stay recoverable for 90 days and nobody can purge them sooner. false only for throwaway environments: `azd down --purge` then frees the name at once.')
param keyVaultPurgeProtection bool = true

@description('default: create the vault. recover: bring back the soft-deleted vault of this name (after azd down), its secrets with it.')
@allowed(['default', 'recover'])
param keyVaultCreateMode string = 'default'

@description('The mailboxes.json config, base64-encoded (`mailbox-health setup` prints the command). It holds no secrets.')
@minLength(4)
param mailboxConfigBase64 string

@description('E-mail address the action group alerts. Empty: no e-mail receiver.')
param alertEmail string = ''

@secure()
@description('Optional webhook (Teams/Slack/ITSM) for the action group; it may carry a token, so it is a secure parameter.')
param alertWebhookUrl string = ''

@description('NCRONTAB schedule of the check timer (six fields, UTC).')
param checkSchedule string = '0 */5 * * * *'

@description('NCRONTAB schedule of the daily credential-expiry sweep (UTC).')
param expirySchedule string = '0 0 7 * * *'

@description('Hours after which a still-open incident is notified again (unless the config sets notifications.repeatHours).')
param notifyRepeatHours string = '24'

@description('Minutes without a MonitorRun event before the heartbeat alert fires (the monitor itself stopped). Keep it above the schedule interval plus a run: 15 suits the 5-minute default.')
@allowed(['10', '15', '30', '45', '60'])
param heartbeatMinutes string = '15'

// Not "secretExpiryAlertDays": the linter takes a parameter whose name contains "secret" for a
// secret (secure-secrets-in-params). It is a number of days; no parameter file sets it.
@description('Days before a client secret expires from which the expiring-credential alert fires.')
param expiryAlertDays string = '30'

@description('Mailbox count above which the timer fans out through the Storage queue (0 = always).')
param fanoutThreshold string = '300'

@description('Mailboxes per queued batch.')
param fanoutBatchSize string = '100'

@description('Days of per-mailbox history kept in Table Storage.')
param historyDays string = '7'

@description('Minimum seconds between two live HTTP-triggered runs (protects Microsoft 365 from being hammered).')
param httpMinIntervalSeconds string = '60'

@description('Client id of an Entra app registration for App Service Authentication in front of the status page. Empty: function keys only.')
param statusPageAuthClientId string = ''

param resourceGroupName string = ''
param tags object = {}

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var allTags = union(tags, { 'azd-env-name': environmentName })
var functionAppName = 'func-mbh-${resourceToken}'
var vaultName = !empty(keyVaultName) ? keyVaultName : 'kv-mbh-${resourceToken}'
// Flex Consumption deploys the app package from a blob container the identity reads.
var deploymentContainerName = 'app-package-${take(resourceToken, 10)}'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: allTags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-mbh-${resourceToken}'
    location: location
    tags: allTags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: allTags
    resourceToken: resourceToken
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: allTags
    name: 'stmbh${resourceToken}'
    deploymentContainerName: deploymentContainerName
  }
}

module vault 'app/key-vault.bicep' = {
  name: 'vault'
  scope: rg
  params: {
    name: vaultName
    location: location
    tags: allTags
    enablePurgeProtection: keyVaultPurgeProtection
    createMode: keyVaultCreateMode
  }
}

module rbac 'app/rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    identityPrincipalId: identity.outputs.principalId
    deployerPrincipalId: principalId
    deployerPrincipalType: principalType
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

module functionApp 'app/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: allTags
    identityId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    mailboxConfig: base64ToString(mailboxConfigBase64)
    checkSchedule: checkSchedule
    expirySchedule: expirySchedule
    notifyRepeatHours: notifyRepeatHours
    fanoutThreshold: fanoutThreshold
    fanoutBatchSize: fanoutBatchSize
    historyDays: historyDays
    httpMinIntervalSeconds: httpMinIntervalSeconds
    statusPageAuthClientId: statusPageAuthClientId
  }
  // The first start reads Storage and Application Insights with the identity: roles first.
  dependsOn: [rbac]
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    location: location
    tags: allTags
    resourceToken: resourceToken
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    alertEmail: alertEmail
    alertWebhookUrl: alertWebhookUrl
    heartbeatMinutes: int(heartbeatMinutes)
    expiryAlertDays: int(expiryAlertDays)
  }
}

module workbook 'app/workbook.bicep' = {
  name: 'workbook'
  scope: rg
  params: {
    location: location
    tags: allTags
    applicationInsightsId: monitoring.outputs.applicationInsightsId
  }
}

// azd stores these in the environment (`azd env get-value NAME`); `mailbox-health setup` reads them.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_KEY_VAULT_URI string = vault.outputs.uri
output MONITOR_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output MONITOR_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.connectionString
output WORKBOOK_ID string = workbook.outputs.id
