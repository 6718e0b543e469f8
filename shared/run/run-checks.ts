/**
 * A run: every planned mailbox checked through a bounded pool under one run deadline, then the
 * report. Per run, each app's token is requested once and each secret read once.
 */
import { setMaxListeners } from 'node:events';
import type { LookupFunction } from 'node:net';
import pLimit from 'p-limit';
import type { TokenCredential } from '@azure/identity';
import { SecretReader } from '../credentials/secret-reader';
import { Redactor } from '../diagnosis/redact';
import { TokenProvider } from '../token/token-provider';
import { checkMailbox } from './check-mailbox';
import { deadlineSignal } from './deadline';
import type { RunPlan } from './plan';
import { buildReport } from './report';
import type { CheckResult, RunReport } from '../contract/result';

export interface RunOptions {
  /** Credential for Key Vault; DefaultAzureCredential when omitted. */
  vaultCredential?: TokenCredential;
  /** Where `{ "env": ... }` credentials are read from. */
  env?: NodeJS.ProcessEnv;
  /** Reuse secrets read in the last minutes (warm Functions); off for one-shot CLI runs. */
  warmSecretCache?: boolean;
  /** Called after each mailbox, e.g. for a progress line. */
  onResult?: (result: CheckResult, done: number, total: number) => void;
  /** Resolver for IMAP hosts (tests); Node's dns.lookup when omitted. */
  lookup?: LookupFunction;
}

export interface RunStats {
  secretReads: number;
}

export async function runChecks(plan: RunPlan, options: RunOptions = {}): Promise<{ report: RunReport; stats: RunStats }> {
  const startedAt = new Date();
  const started = performance.now();
  const run = deadlineSignal(plan.timeouts.runMs);
  // Every check in flight listens to the run's deadline: as many listeners as `concurrency`.
  setMaxListeners(0, run.signal);
  const secrets = new SecretReader({ authorityHost: plan.cloud.authorityHost, timeoutMs: plan.timeouts.secretMs, credential: options.vaultCredential }, options.env, options.warmSecretCache ?? false);
  const deps = { secrets, tokens: new TokenProvider(), redactor: new Redactor(), runSignal: run.signal, lookup: options.lookup };
  const limit = pLimit(plan.concurrency);
  let done = 0;
  try {
    const results = await Promise.all(
      plan.mailboxes.map((mailbox) =>
        limit(async () => {
          const result = await checkMailbox(mailbox, plan, deps);
          options.onResult?.(result, ++done, plan.mailboxes.length);
          return result;
        }),
      ),
    );
    return { report: buildReport(startedAt, Math.round(performance.now() - started), results), stats: { secretReads: secrets.reads } };
  } finally {
    run.dispose();
  }
}
