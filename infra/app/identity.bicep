// The monitor's one user-assigned identity: it reaches Storage, Key Vault and Application Insights
// (rbac.bicep gives it exactly those roles). Declared directly, as the AVM module 0.4.1 did it
// (no federated credentials, no lock).
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output resourceId string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
