/**
 * Runs the engine against the simulated tenant, as a Function App would: the vault is read
 * through DefaultAzureCredential with the simulator's managed-identity endpoint in the
 * environment, tokens come from msal-node, IMAP goes through the check's own client (shared/imap) — all over verified TLS.
 */
import type { TokenCredential } from '@azure/identity';
import { parseConfig } from '../../shared/config/load';
import type { ConfigInput } from '../../shared/config/schema';
import { planRun } from '../../shared/run/plan';
import { runChecks, type RunOptions } from '../../shared/run/run-checks';
import type { CheckResult, RunReport } from '../../shared/contract/result';
import { trustedSimCa } from '../../sim/ca';
import type { Scenario } from '../../sim/scenario';
import { startSimTenant, useSimIdentity, type SimTenant } from '../../sim/tenant';
import { loopbackLookup } from './net-helpers';

export async function startTenant(scenario: Scenario, options: { throttleBackoffMs?: number } = {}): Promise<SimTenant> {
  const tenant = await startSimTenant(scenario, trustedSimCa(), { throttleBackoffMs: options.throttleBackoffMs ?? 50 });
  useSimIdentity(tenant);
  return tenant;
}

export async function runAgainst(config: ConfigInput, options: RunOptions & { vaultCredential?: TokenCredential } = {}) {
  const plan = planRun(parseConfig(config, 'test config'));
  return runChecks(plan, { lookup: loopbackLookup, ...options });
}

export function byId(report: RunReport): Record<string, CheckResult> {
  return Object.fromEntries(report.results.map((r) => [r.mailbox, r]));
}
