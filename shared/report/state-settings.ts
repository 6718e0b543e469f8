/**
 * Whether a run keeps per-mailbox state, read from the settings alone: this module loads no
 * Storage SDK, so `validate`, `schema` and a CLI check without Storage never pay for one.
 */

/** The Functions host's connection for the queue trigger; the state and the queue use it too. */
export const STORAGE_CONNECTION = 'AzureWebJobsStorage';

/** The app settings the state sink reads (a change rebuilds it). */
export const STATE_SETTINGS = ['MAILBOX_STATE', STORAGE_CONNECTION, `${STORAGE_CONNECTION}__accountName`, `${STORAGE_CONNECTION}__tableServiceUri`, `${STORAGE_CONNECTION}__queueServiceUri`, `${STORAGE_CONNECTION}__credential`, `${STORAGE_CONNECTION}__clientId`] as const;

/** Storage configured and state not switched off (`MAILBOX_STATE=off`). */
export function stateConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.MAILBOX_STATE?.toLowerCase() === 'off') return false;
  return Boolean(env[STORAGE_CONNECTION] || env[`${STORAGE_CONNECTION}__accountName`] || env[`${STORAGE_CONNECTION}__tableServiceUri`]);
}
