// Log Analytics + workspace-based Application Insights with local (key) auth disabled: telemetry
// is accepted only with an Entra token of an identity holding Monitoring Metrics Publisher.
param location string
param tags object
param resourceToken string

module workspace 'br/public:avm/res/operational-insights/workspace:0.11.1' = {
  name: 'workspace'
  params: {
    name: 'log-mbh-${resourceToken}'
    location: location
    tags: tags
    dataRetention: 90
  }
}

module component 'br/public:avm/res/insights/component:0.6.0' = {
  name: 'app-insights'
  params: {
    name: 'appi-mbh-${resourceToken}'
    location: location
    tags: tags
    workspaceResourceId: workspace.outputs.resourceId
    disableLocalAuth: true
  }
}

output applicationInsightsName string = component.outputs.name
output applicationInsightsId string = component.outputs.resourceId
output connectionString string = component.outputs.connectionString
