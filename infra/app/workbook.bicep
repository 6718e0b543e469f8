// The workbook dashboard; its content (workbook.json) holds every query, written against the
// telemetry names module like the alert rules.
param location string
param tags object
param applicationInsightsId string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'mailbox-health-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'Mailbox health'
    category: 'workbook'
    sourceId: applicationInsightsId
    serializedData: loadTextContent('workbook.json')
  }
}

output id string = workbook.id
