/**
 * The SDKs a run will use, loaded before its clocks start. They are required lazily so that
 * `validate`, `schema` and a config error never load them (issue 9); loading them here, once the
 * plan is known, keeps their cost (a second or more on a busy machine) out of the first checks'
 * phase timings and deadlines. An `{ "env": ... }`-only (or certificate-file-only) config loads no Key Vault SDK;
 * a config without certificates loads no node-forge.
 */
import { isCertificateLocation } from '../credentials/secret';
import type { RunPlan } from './plan';

export function preloadRunModules(plan: RunPlan): void {
  require('@azure/msal-node');
  if (plan.mailboxes.some((mailbox) => 'vaultUrl' in mailbox.app.secret)) {
    require('@azure/identity');
    require('@azure/keyvault-secrets');
  }
  // A certificate may come as PKCS#12, which is parsed with node-forge (certificate.ts).
  if (plan.mailboxes.some((mailbox) => isCertificateLocation(mailbox.app.secret))) require('node-forge');
}
