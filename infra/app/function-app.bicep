// The Function App on Flex Consumption (Linux, Node 22), running as the user-assigned identity
// for everything: host storage, the deployment package, queues and tables, Key Vault and
// Application Insights. No connection string with a key, no publishing password.
param name string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param mailboxConfig string
param checkSchedule string
param expirySchedule string
param notifyRepeatHours string
param fanoutThreshold string
param fanoutBatchSize string
param historyDays string
param httpMinIntervalSeconds string
param statusPageAuthClientId string

// Flex Consumption plan (FC1, Linux: reserved). The AVM module 0.1.1 sent kind 'App' by default;
// Microsoft's Flex Consumption templates declare 'functionapp'.
resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'plan-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// Every app setting the code reads (test/infra/app-settings.test.ts compares this object with a
// scan of the sources, both ways). Flex Consumption takes the runtime from functionAppConfig:
// FUNCTIONS_WORKER_RUNTIME and FUNCTIONS_EXTENSION_VERSION must not be set.
var appSettings = {
  // Host storage, the queue trigger and the code's queue/table clients, by identity.
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // @azure/identity picks the user-assigned identity by this (Key Vault, Graph).
  AZURE_CLIENT_ID: identityClientId
  // Entra-authenticated ingestion: local auth is off on the component.
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
  TELEMETRY_FLUSH_TIMEOUT_SECONDS: '5'
  // A short ingestion outage is re-sent from the instance's disk.
  TELEMETRY_OFFLINE_STORAGE: 'on'
  MAILBOX_HEALTH_CONFIG: mailboxConfig
  CHECK_SCHEDULE: checkSchedule
  // The daily credential-expiry sweep (Key Vault and Entra), without logging into mailboxes.
  EXPIRY_SCHEDULE: expirySchedule
  NOTIFY_REPEAT_HOURS: notifyRepeatHours
  HTTP_MIN_INTERVAL_SECONDS: httpMinIntervalSeconds
  MAILBOX_STATE: 'on'
  STATUS_STALE_MINUTES: '30'
  FANOUT_THRESHOLD: fanoutThreshold
  FANOUT_BATCH_SIZE: fanoutBatchSize
  HISTORY_DAYS: historyDays
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'monitor' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      // No ftpsState: Flex Consumption does not support it. FTP is off through the 'ftp'
      // publishing-credentials policy below.
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: 40
        instanceMemoryMB: 2048
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: appSettings
  }

  // No publishing passwords: deployment goes through Entra (azd, az) only.
  resource scm 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }

  resource ftp 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }
}

// Optional: operators sign in with Entra ID in front of the status page instead of sharing a
// function key. The check endpoint stays reachable with its function key for uptime tools.
// The app registration needs "ID tokens" enabled and the redirect URI
// https://<app>.azurewebsites.net/.auth/login/aad/callback (no client secret is used).
resource auth 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(statusPageAuthClientId)) {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'RedirectToLoginPage'
      redirectToProvider: 'azureactivedirectory'
      excludedPaths: [
        '/api/check'
      ]
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: statusPageAuthClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            statusPageAuthClientId
            'api://${statusPageAuthClientId}'
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

output name string = site.name
