/**
 * The SDKs a run will use, loaded before its clocks start. They are required lazily so that
 * `validate`, `schema` and a config error never load them (issue 9); loading them here, once the
 * plan is known, keeps their cost (a second or more on a busy machine) out of the first checks'
 * phase timings and deadlines. An `{ "env": ... }`-only (or certificate-file-only) config loads no Key Vault SDK.
 */
import type { RunPlan } from './plan';

export function preloadRunModules(plan: RunPlan): void {
  require('@azure/msal-node');
  if (plan.mailboxes.some((mailbox) => 'vaultUrl' in mailbox.app.secret)) {
    require('@azure/identity');
    require('@azure/keyvault-secrets');
  }
}
