// The action group and the three alert rules. Queries live in queries/*.kql (the tests check
// every name in them against shared/report/telemetry-names.ts and run them on captured telemetry).
//
// Severities (0 critical … 4 verbose):
// - 1 (Error) a mailbox fails: mail has stopped flowing into the application for that mailbox.
// - 1 (Error) no MonitorRun: nothing is being watched, and the availability alerts go silent.
// - 2 (Warning) a credential expires within expiryAlertDays: weeks to act, nothing broken yet.
param location string
param tags object
param resourceToken string
param applicationInsightsId string
param alertEmail string
@secure()
param alertWebhookUrl string
// One of main.bicep's allowed values: a value missing from heartbeatWindows fails the deployment.
param heartbeatMinutes int
param expiryAlertDays int

// The heartbeat window as an ISO 8601 duration in the form Microsoft documents for alert rules:
// a whole hour is PT1H ('PT${heartbeatMinutes}M' gave PT60M).
var heartbeatWindows = {
  '10': 'PT10M'
  '15': 'PT15M'
  '30': 'PT30M'
  '45': 'PT45M'
  '60': 'PT1H'
}

resource actionGroup 'Microsoft.Insights/actionGroups@2023-01-01' = {
  name: 'ag-mbh-${resourceToken}'
  location: 'global'
  tags: tags
  properties: {
    groupShortName: 'mailboxhlth'
    enabled: true
    emailReceivers: empty(alertEmail) ? [] : [
      {
        name: 'admin-email'
        emailAddress: alertEmail
        useCommonAlertSchema: true
      }
    ]
    webhookReceivers: empty(alertWebhookUrl) ? [] : [
      {
        name: 'webhook'
        serviceUri: alertWebhookUrl
        useCommonAlertSchema: true
      }
    ]
  }
}

resource mailboxFailing 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'mailbox-failing-${resourceToken}'
  location: location
  tags: tags
  properties: {
    displayName: 'Mailbox check failing'
    description: 'A mailbox\'s latest check failed: its availability result (test mailbox:<id>) carries the failure code, phase and the remedy to paste; serviceIncident names the active Exchange Online incident the failure looks like (none otherwise). A latest check inside a configured maintenance window does not fire it.'
    severity: 1
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: 'PT15M'
    criteria: {
      allOf: [
        {
          query: loadTextContent('queries/availability.kql')
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'name'
              operator: 'Include'
              values: ['*']
            }
            // Issue 20: the Exchange Online incident the failure looks like ("none" otherwise), so the
            // alert names it; a mailbox whose failure becomes an incident's fires once more, saying so.
            {
              name: 'serviceIncident'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    // Resolved when the mailbox's latest result succeeds again.
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

resource monitorStopped 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'monitor-stopped-${resourceToken}'
  location: location
  tags: tags
  properties: {
    displayName: 'Mailbox monitor stopped'
    description: 'No MonitorRun event for ${heartbeatMinutes} minutes: the monitor is not running (Function App stopped, failing to start, or its config broken), so no mailbox is being checked.'
    severity: 1
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT5M'
    windowSize: heartbeatWindows[string(heartbeatMinutes)]
    criteria: {
      allOf: [
        {
          query: loadTextContent('queries/heartbeat.kql')
          timeAggregation: 'Total'
          metricMeasureColumn: 'runs'
          operator: 'LessThan'
          threshold: 1
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

resource credentialExpiring 'Microsoft.Insights/scheduledQueryRules@2023-03-15-preview' = {
  name: 'credential-expiring-${resourceToken}'
  location: location
  tags: tags
  properties: {
    displayName: 'Mailbox app credential expiring'
    description: 'A client secret used to read a mailbox expires within ${expiryAlertDays} days (or has expired in Key Vault): roll it before mail stops.'
    severity: 2
    enabled: true
    scopes: [applicationInsightsId]
    evaluationFrequency: 'PT1H'
    windowSize: 'PT6H'
    criteria: {
      allOf: [
        {
          // The query's placeholder keeps its older name: the KQL tests fill it in the same way.
          query: replace(loadTextContent('queries/secret-expiring.kql'), '{expiryAlertDays}', string(expiryAlertDays))
          timeAggregation: 'Count'
          dimensions: [
            {
              name: 'secretName'
              operator: 'Include'
              values: ['*']
            }
            {
              name: 'vault'
              operator: 'Include'
              values: ['*']
            }
          ]
          operator: 'GreaterThan'
          threshold: 0
          failingPeriods: {
            numberOfEvaluationPeriods: 1
            minFailingPeriodsToAlert: 1
          }
        }
      ]
    }
    autoMitigate: true
    actions: {
      actionGroups: [actionGroup.id]
    }
  }
}

output actionGroupId string = actionGroup.id
