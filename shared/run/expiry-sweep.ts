/**
 * The daily expiry sweep: every app credential in the plan is dated — Key Vault's `expiresOn` and
 * Entra's `endDateTime` of the secret in use — without a token request or an IMAP login. One
 * secret read and one Graph read per app; a secret that cannot be read is the credential's
 * failure, classified like a check's.
 */
import type { TokenCredential } from '@azure/identity';
import pLimit from 'p-limit';
import { FAILURE_CODES } from '../contract/codes';
import type { Failure, RunCounts, Status, Warning } from '../contract/result';
import { describeLocation, isCertificateLocation } from '../credentials/secret';
import { certificateFacts } from '../credentials/certificate-use';
import { SecretReader } from '../credentials/secret-reader';
import { CheckFailure, ensureError } from '../diagnosis/check-failure';
import { entraCredentialWarnings } from '../diagnosis/entra-warnings';
import { Redactor } from '../diagnosis/redact';
import { failureRemedy } from '../diagnosis/remedies';
import { secretWarnings, withEntraFacts } from '../diagnosis/warnings';
import { deadlineSignal } from '../resilience/deadline';
import type { MailboxPlan, RunPlan } from './plan';
import { remedyContext } from './remedy-context';
import { entraReader, entraRunWarnings } from './run-checks';

/** One app's credential, dated. */
export interface CredentialResult {
  app: string;
  clientId: string;
  tenantId: string;
  /** Where the secret lives (`secret <name> in <vault>`), never its value. */
  secret: string;
  /** `certificate` for an app that signs in with a certificate (issue 18); absent in sweeps stored before. */
  credentialKind?: 'secret' | 'certificate';
  status: Status;
  failure?: Failure;
  warnings: Warning[];
  vaultExpiresOn: string | null;
  /** The Entra secret in use, when Graph could be read and the secret was recognised. */
  entra: { keyId: string; name: string | null; endDateTime: string; daysLeft: number; secretsOnApp: number } | null;
  /** The mailboxes this credential opens (what stops when it expires). */
  mailboxes: string[];
  checkedAt: string;
  durationMs: number;
}

export interface ExpiryReport {
  startedAt: string;
  durationMs: number;
  status: Status;
  counts: RunCounts;
  credentials: CredentialResult[];
  warnings?: Warning[];
}

export interface SweepOptions {
  vaultCredential?: TokenCredential;
  env?: NodeJS.ProcessEnv;
}

const RANK: Record<Status, number> = { ok: 0, degraded: 1, failed: 2 };

export async function sweepExpiry(plan: RunPlan, options: SweepOptions = {}): Promise<ExpiryReport> {
  const startedAt = new Date();
  const started = performance.now();
  const run = deadlineSignal(plan.timeouts.runMs);
  const secrets = new SecretReader({ authorityHost: plan.cloud.authorityHost, timeoutMs: plan.timeouts.secretMs, credential: options.vaultCredential }, options.env, false);
  const entra = entraReader(plan, options, run.signal);
  const byApp = new Map<string, MailboxPlan[]>();
  for (const m of plan.mailboxes) byApp.set(m.app.id, [...(byApp.get(m.app.id) ?? []), m]);
  const limit = pLimit(plan.concurrency);
  try {
    const credentials = await Promise.all([...byApp.values()].map((mailboxes) => limit(() => dateCredential(mailboxes, plan, secrets, entra))));
    const counts = { total: credentials.length, ok: 0, degraded: 0, failed: 0 };
    let status: Status = 'ok';
    for (const c of credentials) {
      counts[c.status]++;
      if (RANK[c.status] > RANK[status]) status = c.status;
    }
    const warnings = entra ? await entraRunWarnings(entra) : [];
    return { startedAt: startedAt.toISOString(), durationMs: Math.round(performance.now() - started), status, counts, credentials, ...(warnings.length > 0 ? { warnings } : {}) };
  } finally {
    run.dispose();
  }
}

async function dateCredential(mailboxes: MailboxPlan[], plan: RunPlan, secrets: SecretReader, entra: ReturnType<typeof entraReader>): Promise<CredentialResult> {
  const app = mailboxes[0]!.app;
  const checkedAt = new Date().toISOString();
  const started = performance.now();
  const context = remedyContext(mailboxes[0]!, plan.cloud);
  const redactor = new Redactor();
  const base = { app: app.id, clientId: app.clientId, tenantId: app.tenantId, secret: describeLocation(app.secret), credentialKind: isCertificateLocation(app.secret) ? ('certificate' as const) : ('secret' as const), mailboxes: mailboxes.map((m) => m.id), checkedAt };
  const entraRead = entra?.read(app.clientId);
  let secret;
  try {
    secret = await secrets.read(app.secret);
  } catch (thrown) {
    const failure: Failure =
      thrown instanceof CheckFailure
        ? { code: thrown.code, phase: 'secret', kind: FAILURE_CODES[thrown.code], message: thrown.message, remedy: failureRemedy(thrown.code, context) }
        : { code: 'INTERNAL', phase: 'secret', kind: 'internal', message: ensureError(thrown).message, remedy: failureRemedy('INTERNAL', context) };
    return { ...base, status: 'failed', failure, warnings: [], vaultExpiresOn: null, entra: null, durationMs: Math.round(performance.now() - started) };
  }
  redactor.add(secret.value);
  // A certificate (issue 18) is dated by its own notAfter: CERTIFICATE_EXPIRING, with its thumbprint.
  if (secret.certificate) context.certificate = certificateFacts(secret.certificate);
  const warnings = secretWarnings(secret.expiresOn, plan.thresholds.secretExpiryDays, context);
  let entraFacts: CredentialResult['entra'] = null;
  const read = entraRead ? await entraRead : undefined;
  if (read?.ok) {
    const found = entraCredentialWarnings({ app: read.app, secretValue: secret.value, certificate: secret.certificate, vaultExpiresOn: secret.expiresOn, thresholdDays: plan.thresholds.secretExpiryDays, context });
    warnings.push(...found);
    withEntraFacts(warnings, context);
    if (context.entraInUse) {
      const end = new Date(context.entraInUse.end);
      entraFacts = { keyId: context.entraInUse.keyId, name: context.entraInUse.displayName, endDateTime: context.entraInUse.end, daysLeft: Math.floor((end.getTime() - Date.now()) / 86_400_000), secretsOnApp: read.app.secrets.length };
    }
  }
  for (const w of warnings) {
    w.message = redactor.scrub(w.message);
    if (w.remedy) w.remedy = redactor.scrub(w.remedy);
  }
  return {
    ...base,
    status: warnings.length > 0 ? 'degraded' : 'ok',
    warnings,
    vaultExpiresOn: secret.expiresOn ? secret.expiresOn.toISOString() : null,
    entra: entraFacts,
    durationMs: Math.round(performance.now() - started),
  };
}

/** Monitoring-plugin exit codes, as for a check. */
export function sweepExitCode(report: ExpiryReport): 0 | 1 | 2 | 3 {
  if (report.credentials.some((c) => c.failure?.code === 'INTERNAL')) return 3;
  return RANK[report.status] as 0 | 1 | 2;
}
