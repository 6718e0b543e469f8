/**
 * Where Storage is and how to reach it, read from the same app settings the Functions host reads
 * for a connection (here `AzureWebJobsStorage`, which also drives the queue trigger):
 *
 * - In Azure, identity-based: `AzureWebJobsStorage__accountName` (or `__queueServiceUri` and
 *   `__tableServiceUri`), optional `__credential=managedidentity` and `__clientId` for a
 *   user-assigned identity. The Function App's identity needs *Storage Queue Data Contributor*
 *   and *Storage Table Data Contributor*; no key ever sits in a setting.
 * - Locally and in tests: `AzureWebJobsStorage` holding a connection string (Azurite's).
 */
import type * as DataTables from '@azure/data-tables';
import type { TableClient } from '@azure/data-tables';
import type * as Identity from '@azure/identity';
import type { TokenCredential } from '@azure/identity';
import type * as StorageQueue from '@azure/storage-queue';
import type { QueueClient } from '@azure/storage-queue';

// The SDKs are required on first use, so `validate`, `schema` and a config error never load them (issue 9).
const identity = () => require('@azure/identity') as typeof Identity;
const dataTables = () => require('@azure/data-tables') as typeof DataTables;

import { STORAGE_CONNECTION } from '../report/state-settings';

export { STORAGE_CONNECTION };

export type StorageAccount =
  | { kind: 'connectionString'; connectionString: string }
  | { kind: 'identity'; queueServiceUri: string; tableServiceUri: string; credential: TokenCredential };

export class StorageSettingsError extends Error {
  override readonly name = 'StorageSettingsError';
}

/** Every request to Storage gives up after this long (the SDK's own retries included). */
export const STORAGE_TIMEOUT_MS = 10000;

export function storageAccount(env: NodeJS.ProcessEnv = process.env, connection = STORAGE_CONNECTION): StorageAccount {
  const connectionString = env[connection];
  if (connectionString) {
    if (!/AccountName=|UseDevelopmentStorage=true/i.test(connectionString)) {
      throw new StorageSettingsError(`${connection}: not a Storage connection string (expected AccountName=… or UseDevelopmentStorage=true)`);
    }
    return { kind: 'connectionString', connectionString };
  }
  const account = env[`${connection}__accountName`];
  const queueServiceUri = env[`${connection}__queueServiceUri`] ?? (account ? `https://${account}.queue.core.windows.net` : undefined);
  const tableServiceUri = env[`${connection}__tableServiceUri`] ?? (account ? `https://${account}.table.core.windows.net` : undefined);
  if (!queueServiceUri || !tableServiceUri) {
    throw new StorageSettingsError(
      `Storage is not configured: set ${connection}__accountName (managed identity; or ${connection}__queueServiceUri and ${connection}__tableServiceUri), or ${connection} to a connection string`,
    );
  }
  const clientId = env[`${connection}__clientId`];
  const credential = env[`${connection}__credential`]?.toLowerCase() === 'managedidentity'
    ? new (identity().ManagedIdentityCredential)(clientId ? { clientId } : {})
    : new (identity().DefaultAzureCredential)(clientId ? { managedIdentityClientId: clientId } : {});
  return { kind: 'identity', queueServiceUri, tableServiceUri, credential };
}

/** `maxRetries` is the SDK's own: 0 for callers that retry themselves within a deadline (storage-call.ts). */
export function tableClient(account: StorageAccount, table: string, maxRetries = 2): TableClient {
  if (account.kind === 'connectionString') {
    const insecure = /DefaultEndpointsProtocol=http;|TableEndpoint=http:|UseDevelopmentStorage=true/i.test(account.connectionString);
    return dataTables().TableClient.fromConnectionString(account.connectionString, table, { allowInsecureConnection: insecure, retryOptions: { maxRetries } });
  }
  return new (dataTables().TableClient)(account.tableServiceUri, table, account.credential, { retryOptions: { maxRetries } });
}

/**
 * `maxTries` is the queue SDK's own (attempts in all; it has no `maxRetries`): 1 for callers that
 * retry themselves within a deadline (storage-call.ts).
 */
export function queueClient(account: StorageAccount, queue: string, maxTries = 3): QueueClient {
  const { QueueClient } = require('@azure/storage-queue') as typeof StorageQueue;
  const retryOptions = { maxTries, tryTimeoutInMs: STORAGE_TIMEOUT_MS };
  if (account.kind === 'connectionString') return new QueueClient(account.connectionString, queue, { retryOptions });
  return new QueueClient(`${account.queueServiceUri.replace(/\/$/, '')}/${queue}`, account.credential, { retryOptions });
}
