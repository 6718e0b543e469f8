/**
 * Builds the notifier of a plan (see notifier-from-plan.ts): loaded only when the config has
 * `notify`, so a run without it never loads the Storage and Graph SDKs.
 */
import type { TokenCredential } from '@azure/identity';
import { monitorCredential } from '../credentials/keyvault-secret';
import { SecretReader } from '../credentials/secret-reader';
import { GraphClient } from '../entra/graph-client';
import type { RunPlan } from '../run/plan';
import { storageAccount } from '../storage/storage-account';
import { channelsFromConfig } from './channels-from-config';
import { IncidentStore } from './incident-store';
import { repeatHours } from './notifier-from-plan';
import { NotifierSink } from './notifier-sink';

export { channelWarnings } from './notifier-sink';

export function notifierFromPlan(plan: RunPlan, env: NodeJS.ProcessEnv, credential?: TokenCredential): NotifierSink {
  const notify = plan.notify!;
  const identity = monitorCredential({ authorityHost: plan.cloud.authorityHost, credential });
  // Warm: webhook URLs are read once per few minutes, not once per run.
  const secrets = new SecretReader({ authorityHost: plan.cloud.authorityHost, timeoutMs: plan.timeouts.secretMs, credential: identity }, env, true);
  const graph = plan.cloud.graphUrl && plan.cloud.graphResource ? new GraphClient({ url: plan.cloud.graphUrl, resource: plan.cloud.graphResource, credential: identity, timeoutMs: notify.timeoutMs }) : undefined;
  return new NotifierSink({
    store: IncidentStore.fromAccount(storageAccount(env)),
    channels: channelsFromConfig(notify, secrets, plan.keyVaultUrl, graph),
    policy: { timeoutMs: notify.timeoutMs, retries: notify.retries, backoffMs: 500 },
    repeatHours: repeatHours(plan, env),
    thresholds: notify.expiryThresholdsDays,
  });
}

