/**
 * Runs the engine against the simulated tenant, as a Function App would: the vault is read
 * through DefaultAzureCredential with the simulator's managed-identity endpoint in the
 * environment, tokens come from msal-node, IMAP goes through imapflow — all over verified TLS.
 */
import type { TokenCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import type { ConfigInput } from '../../shared/config/schema';
import { planRun } from '../../shared/run/plan';
import { runChecks, type RunOptions } from '../../shared/run/run-checks';
import type { CheckResult, RunReport } from '../../shared/run/result';
import { trustedSimCa } from '../../sim/ca';
import type { Scenario } from '../../sim/scenario';
import { startSimTenant, type SimTenant } from '../../sim/tenant';
import { loopbackLookup } from './net-helpers';

const FOREIGN_AZURE_ENV = ['AZURE_CLIENT_ID', 'AZURE_CLIENT_SECRET', 'AZURE_TENANT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_TOKEN_CREDENTIALS'];

export async function startTenant(scenario: Scenario, options: { throttleBackoffMs?: number } = {}): Promise<SimTenant> {
  const tenant = await startSimTenant(scenario, trustedSimCa(), { throttleBackoffMs: options.throttleBackoffMs ?? 50 });
  for (const name of FOREIGN_AZURE_ENV) delete process.env[name];
  // msal-node reads the managed-identity source once per process: set it before the first read.
  Object.assign(process.env, tenant.identityEnv);
  return tenant;
}

export async function runAgainst(config: ConfigInput, options: RunOptions & { vaultCredential?: TokenCredential } = {}) {
  const plan = planRun(parseConfig(config, 'test config'));
  return runChecks(plan, { lookup: loopbackLookup, ...options });
}

export function byId(report: RunReport): Record<string, CheckResult> {
  return Object.fromEntries(report.results.map((r) => [r.mailbox, r]));
}
