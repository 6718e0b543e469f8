// Parameters for deploying without azd, from the same environment variables azd's
// main.parameters.json reads (azd fills its ${NAME} placeholders itself; `az` cannot):
//   export AZURE_ENV_NAME=… AZURE_LOCATION=… MAILBOX_HEALTH_CONFIG_BASE64=…   (required)
//   az deployment sub what-if -l "$AZURE_LOCATION" -f infra/main.bicep -p infra/main.bicepparam
// test/infra/parameter-files.test.ts compiles this file (bicep build-params) and keeps it and
// main.parameters.json naming the same parameters, variables and defaults.
using 'main.bicep'

param environmentName = readEnvironmentVariable('AZURE_ENV_NAME')
param location = readEnvironmentVariable('AZURE_LOCATION')
// azd fills these two itself; without azd: az ad signed-in-user show --query id -o tsv (a person),
// or the service principal's object id with AZURE_PRINCIPAL_TYPE=ServicePrincipal.
param principalId = readEnvironmentVariable('AZURE_PRINCIPAL_ID', '')
param principalType = readEnvironmentVariable('AZURE_PRINCIPAL_TYPE', 'User')
param keyVaultName = readEnvironmentVariable('AZURE_KEY_VAULT_NAME', '')
param keyVaultPurgeProtection = bool(readEnvironmentVariable('KEY_VAULT_PURGE_PROTECTION', 'true'))
param keyVaultCreateMode = readEnvironmentVariable('KEY_VAULT_CREATE_MODE', 'default')
param mailboxConfigBase64 = readEnvironmentVariable('MAILBOX_HEALTH_CONFIG_BASE64')
param alertEmail = readEnvironmentVariable('ALERT_EMAIL', '')
param alertWebhookUrl = readEnvironmentVariable('ALERT_WEBHOOK_URL', '')
param checkSchedule = readEnvironmentVariable('CHECK_SCHEDULE', '0 */5 * * * *')
param heartbeatMinutes = readEnvironmentVariable('HEARTBEAT_MINUTES', '15')
param statusPageAuthClientId = readEnvironmentVariable('STATUS_PAGE_AUTH_CLIENT_ID', '')
