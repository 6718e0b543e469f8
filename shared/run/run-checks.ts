/**
 * A run: every planned mailbox checked through a bounded pool under one run deadline, then the
 * report. Per run, each app's token is requested once and each secret read once.
 */
import { setMaxListeners } from 'node:events';
import type { LookupFunction } from 'node:net';
import pLimit from 'p-limit';
import type { TokenCredential } from '@azure/identity';
import { SecretReader } from '../credentials/secret-reader';
import { monitorCredential } from '../credentials/keyvault-secret';
import { entraReadWarning } from '../diagnosis/entra-warnings';
import { AppCredentialsReader } from '../entra/app-credentials';
import { GraphClient } from '../entra/graph-client';
import { Redactor } from '../diagnosis/redact';
import { TlsReuse } from '../imap/tls-reuse';
import { TokenProvider } from '../token/token-provider';
import { checkMailbox } from './check-mailbox';
import { DeadlineExceeded, deadlineSignal, isInterruption } from '../resilience/deadline';
import type { MailboxPlan, RunPlan } from './plan';
import { activeMaintenance } from './maintenance';
import { preloadRunModules } from './preload';
import { buildReport } from './report';
import { ServiceHealthWatch } from './service-health-watch';
import type { CheckResult, PartialRun, RunReport, Warning } from '../contract/result';

export interface RunOptions {
  /** The monitor's identity for Key Vault and Microsoft Graph; DefaultAzureCredential when omitted. */
  vaultCredential?: TokenCredential;
  /** Where `{ "env": ... }` credentials are read from. */
  env?: NodeJS.ProcessEnv;
  /** Reuse secrets read in the last minutes (warm Functions); off for one-shot CLI runs. */
  warmSecretCache?: boolean;
  /** Called after each mailbox, e.g. for a progress line. */
  onResult?: (result: CheckResult, done: number, total: number) => void;
  /** Resolver for IMAP hosts (tests); Node's dns.lookup when omitted. */
  lookup?: LookupFunction;
  /** Stops the run from outside (the CLI on SIGINT/SIGTERM): abort with DeadlineExceeded('interrupted'). */
  signal?: AbortSignal;
}

export interface RunStats {
  secretReads: number;
  /** IMAP connections that offered a TLS session resumed from an earlier connection of the run. */
  tlsSessionsOffered: number;
}

export async function runChecks(plan: RunPlan, options: RunOptions = {}): Promise<{ report: RunReport; stats: RunStats }> {
  preloadRunModules(plan);
  const startedAt = new Date();
  const started = performance.now();
  const run = deadlineSignal(plan.timeouts.runMs, options.signal);
  // Every check in flight listens to the run's deadline: as many listeners as `concurrency`.
  setMaxListeners(0, run.signal);
  const secrets = new SecretReader({ authorityHost: plan.cloud.authorityHost, timeoutMs: plan.timeouts.secretMs, credential: options.vaultCredential }, options.env, options.warmSecretCache ?? false);
  const entra = entraReader(plan, options, run.signal);
  // Issue 20: Exchange Online incidents, read with the same Graph client (one token) when a check fails the way an outage makes it.
  const serviceHealth = entra ? new ServiceHealthWatch(entra.graph, run.signal) : undefined;
  const tls = new TlsReuse();
  const redactor = new Redactor();
  // Secrets the Azure credential reads from the environment: an identity endpoint or a proxy
  // that echoes them into an error must not carry them into the report.
  for (const name of ['IDENTITY_HEADER', 'MSI_SECRET', 'AZURE_CLIENT_SECRET']) redactor.add(process.env[name]);
  const deps = { secrets, tokens: new TokenProvider(), redactor, runSignal: run.signal, lookup: options.lookup, entra, tls };
  const limit = pLimit(plan.concurrency);
  let done = 0;
  try {
    const interrupted = () => isInterruption(run.signal.reason);
    const settled = await Promise.all(
      plan.mailboxes.map((mailbox) =>
        limit(async () => {
          if (interrupted()) return undefined;
          // Judged at the check's start: a check that began in a window belongs to it.
          const result = inMaintenance(await checkMailbox(mailbox, plan, deps), mailbox);
          // A check cut short by an interruption says nothing about its mailbox.
          if (interrupted() && result.failure?.code === 'CHECK_TIMEOUT') return undefined;
          serviceHealth?.see(result);
          options.onResult?.(result, ++done, plan.mailboxes.length);
          return result;
        }),
      ),
    );
    const results = settled.filter((r): r is CheckResult => r !== undefined);
    const partial = partialRun(run.signal, plan.mailboxes.map((m) => m.id), settled);
    const [entraWarnings, healthWarnings] = await Promise.all([entra ? entraRunWarnings(entra) : [], serviceHealth ? serviceHealth.finish(results, plan.cloud, redactor) : []]);
    const runWarnings = [...entraWarnings, ...healthWarnings];
    return { report: buildReport(startedAt, Math.round(performance.now() - started), results, runWarnings, partial), stats: { secretReads: secrets.reads, tlsSessionsOffered: tls.offered } };
  } finally {
    run.dispose();
  }
}

/** The result with the maintenance window it ran in, if any (the field is absent outside windows). */
export function inMaintenance(result: CheckResult, mailbox: MailboxPlan): CheckResult {
  const window = activeMaintenance(mailbox.maintenance, new Date(result.checkedAt));
  return window ? { ...result, maintenance: window } : result;
}

/** Entra is read only where the cloud names a Graph endpoint (every national cloud does). */
export function entraReader(plan: RunPlan, options: Pick<RunOptions, 'vaultCredential'>, signal: AbortSignal): AppCredentialsReader | undefined {
  if (!plan.cloud.graphUrl || !plan.cloud.graphResource) return undefined;
  const credential = monitorCredential({ authorityHost: plan.cloud.authorityHost, credential: options.vaultCredential });
  const graph = new GraphClient({ url: plan.cloud.graphUrl, resource: plan.cloud.graphResource, credential, timeoutMs: plan.timeouts.graphMs });
  return new AppCredentialsReader(graph, signal);
}

/** Once per run: whether the monitor could read the app registrations it needed. */
export async function entraRunWarnings(entra: AppCredentialsReader): Promise<Warning[]> {
  const warning = entraReadWarning(await entra.settled(), { objectId: entra.graph.monitorObjectId, graphUrl: entra.graph.access.url });
  return warning ? [warning] : [];
}

function partialRun(signal: AbortSignal, ids: string[], settled: (CheckResult | undefined)[]): PartialRun | undefined {
  if (!signal.aborted) return undefined;
  const reason = signal.reason as DeadlineExceeded;
  if (isInterruption(reason)) {
    const notChecked = ids.filter((_, i) => settled[i] === undefined);
    return { reason: 'interrupted', message: `interrupted${reason.detail ? ` by ${reason.detail}` : ''}: ${settled.length - notChecked.length} of ${ids.length} mailbox(es) checked`, notChecked };
  }
  const notChecked = settled.filter((r) => r?.failure?.phase === 'run').map((r) => r!.mailbox);
  return { reason: 'deadline', message: `the run's deadline (timeouts.runMs) was reached: ${ids.length - notChecked.length} of ${ids.length} mailbox(es) checked`, notChecked };
}
