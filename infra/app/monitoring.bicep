// Log Analytics + workspace-based Application Insights with local (key) auth disabled on both:
// telemetry is accepted only with an Entra token of an identity holding Monitoring Metrics
// Publisher, and the workspace is queried only with Entra ID. Declared directly with the values the
// AVM modules (workspace 0.11.1, component 0.6.0) set, except IP masking (below).
param location string
param tags object
param resourceToken string

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-mbh-${resourceToken}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 90
    features: {
      // The workspace's shared keys are off too (the AVM module's default).
      disableLocalAuth: true
      enableLogAccessUsingOnlyResourcePermissions: false
    }
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
    // As the AVM module set it: saved queries need customer-managed storage (none is linked).
    forceCmkForQuery: true
  }
}

resource component 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-mbh-${resourceToken}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    DisableLocalAuth: true
    // Callers' IP addresses are masked before they are stored. The AVM component module
    // defaulted this to true, which stored every caller's full address.
    DisableIpMasking: false
    publicNetworkAccessForIngestion: 'Enabled'
    publicNetworkAccessForQuery: 'Enabled'
    // The AVM module's values, kept: no ingestion sampling, and its retention setting.
    SamplingPercentage: 100
    RetentionInDays: 365
  }
}

output applicationInsightsName string = component.name
output applicationInsightsId string = component.id
// The connection string holds no key since local auth is off: ingestion needs an Entra token.
output connectionString string = component.properties.ConnectionString
