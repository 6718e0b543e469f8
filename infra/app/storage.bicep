// Storage for the Functions host, the Flex deployment package, the fan-out queues and the state
// tables. Shared-key access is off: everything authenticates with the identity.
param location string
param tags object
param name string
param deploymentContainerName string

// Names the code uses (shared/fanout/fanout-settings.ts, shared/state/mailbox-state.ts,
// shared/notify/incident-store.ts); the consistency test keeps the two lists equal.
var queueNames = [
  'mailbox-checks'
  'mailbox-checks-poison'
]
var tableNames = [
  'mailboxstate'
  'mailboxhistory'
  'incidents'
]

module account 'br/public:avm/res/storage/storage-account:0.8.3' = {
  name: 'storage-account'
  params: {
    name: name
    location: location
    tags: tags
    kind: 'StorageV2'
    skuName: 'Standard_LRS'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
    blobServices: {
      containers: [
        { name: deploymentContainerName }
      ]
    }
  }
}

// The account as a parent for the queues and tables; they wait for the module explicitly, since
// a reference to an existing resource creates no dependency.
resource existingAccount 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: name
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: existingAccount
  name: 'default'
  dependsOn: [account]
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in queueNames: {
  parent: queueService
  name: queue
}]

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: existingAccount
  name: 'default'
  dependsOn: [account]
}

resource tables 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = [for table in tableNames: {
  parent: tableService
  name: table
}]

output name string = account.outputs.name
