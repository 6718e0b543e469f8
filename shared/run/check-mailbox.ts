/**
 * One mailbox's check: secret → token → claims → IMAP, each timed, under one deadline. It never
 * throws: every failure, including a bug in the monitor (INTERNAL), becomes the result's
 * classified `failure`, so one mailbox never stops another's check.
 */
import type { LookupFunction } from 'node:net';
import { CheckFailure, ensureError } from '../diagnosis/check-failure';
import { FAILURE_CODES, INFORMATIONAL_WARNINGS, PHASES, RETRIED_STEPS, type FailureCode, type FailurePhase, type Phase, type RetriedStep } from '../contract/codes';
import { TRANSIENT_NETWORK_CODES } from '../diagnosis/network-errors';
import { Redactor } from '../diagnosis/redact';
import type { RemedyContext } from '../diagnosis/remedy-context';
import { failureRemedy } from '../diagnosis/remedies';
import type { AppCredentialsReader } from '../entra/app-credentials';
import { entraCredentialWarnings } from '../diagnosis/entra-warnings';
import { backlogWarnings, daysUntil, permissionWarnings, retryWarnings, secretWarnings, slowWarnings, withEntraFacts } from '../diagnosis/warnings';
import { forgetWarmSecret, type SecretReader } from '../credentials/secret-reader';
import { locationName, type SecretLocation } from '../credentials/secret';
import type { LoadedCertificate } from '../credentials/certificate';
import { certificateFacts, privateKeyForms, tokenCertificate } from '../credentials/certificate-use';
import { probeImap } from '../imap/probe';
import type { TlsReuse } from '../imap/tls-reuse';
import { checkClaims, decodeClaims, tokenFacts } from '../token/claims';
import type { TokenProvider } from '../token/token-provider';
import { DeadlineExceeded, deadlineSignal, race } from '../resilience/deadline';
import { describeAttempts, newRecord, withRetries, type AttemptRecord, type Transient } from '../resilience/retry';
import type { MailboxPlan, RunPlan } from './plan';
import { remedyContext } from './remedy-context';
import type { CheckResult, Failure, FolderStatus, PhaseTimings, SecretFacts, TokenFacts, Warning } from '../contract/result';

export interface CheckDeps {
  secrets: SecretReader;
  tokens: TokenProvider;
  redactor: Redactor;
  runSignal: AbortSignal;
  lookup?: LookupFunction;
  /** Reads app registrations from Microsoft Graph (per run, per app); none without a Graph endpoint. */
  entra?: AppCredentialsReader;
  tls?: TlsReuse;
}

const IMAP_PHASES: Phase[] = ['connect', 'auth', 'folder', 'logout'];
const elapsed = (since: number) => Math.round(performance.now() - since);

export async function checkMailbox(mailbox: MailboxPlan, run: RunPlan, deps: CheckDeps): Promise<CheckResult> {
  const checkedAt = new Date().toISOString();
  const started = performance.now();
  const phases = Object.fromEntries(PHASES.map((p) => [p, null])) as PhaseTimings;
  const warnings: Warning[] = [];
  const context = remedyContext(mailbox, run.cloud);
  let token: TokenFacts | null = null;
  let secretFacts: SecretFacts | null = null;
  let folder: FolderStatus | null = null;
  let failure: Failure | undefined;
  let phase: Phase = 'secret';
  let phaseStart = performance.now();
  /** When the mailbox's own work ended (set once IMAP is done; the wait for Entra's dates comes after). */
  let checkedBy: number | undefined;
  const { signal, dispose } = deadlineSignal(run.timeouts.checkMs, deps.runSignal);
  const deadlineAt = performance.now() + run.timeouts.checkMs;
  const attempts = Object.fromEntries(RETRIED_STEPS.map((s) => [s, 0])) as Record<RetriedStep, number>;
  const records: Partial<Record<RetriedStep, AttemptRecord>> = {};
  const imapRecord = newRecord();
  // The run's deadline came before this mailbox's turn: it was never checked, say so.
  const notStarted = deps.runSignal.aborted;

  try {
    const secret = await race(deps.secrets.read(mailbox.app.secret), signal);
    deps.redactor.add(secret.value);
    // A certificate's private key also in the forms an echo could show it (issue 18): its base64 DER and each PEM line.
    for (const form of privateKeyForms(secret.value, secret.certificate)) deps.redactor.add(form);
    if (secret.certificate) context.certificate = certificateFacts(secret.certificate);
    if (secret.record) records.secret = secret.record;
    phases.secret = elapsed(phaseStart);
    secretFacts = describeSecret(mailbox.app.secret, secret.expiresOn, secret.certificate);
    warnings.push(...secretWarnings(secret.expiresOn, run.thresholds.secretExpiryDays, context));
    // Entra's own end date is read alongside the login, never in its way.
    const entraRead = deps.entra?.read(mailbox.app.clientId);

    phase = 'token';
    phaseStart = performance.now();
    const acquired = await race(
      deps.tokens.get({
        appId: mailbox.app.id,
        tenantId: mailbox.app.tenantId,
        clientId: mailbox.app.clientId,
        secret: secret.value,
        ...(secret.certificate ? { certificate: tokenCertificate(secret.certificate, mailbox.app.secret) } : {}),
        authorityHost: run.cloud.authorityHost,
        scope: `${run.cloud.imapResource}/.default`,
        timeoutMs: run.timeouts.tokenMs,
      }),
      signal,
    );
    deps.redactor.add(acquired.accessToken);
    // The SASL XOAUTH2 string holds the token in base64: a server or proxy echoing it back would
    // slip past a search for the token itself.
    deps.redactor.add(Buffer.from(`user=${mailbox.address}\x01auth=Bearer ${acquired.accessToken}\x01\x01`).toString('base64'));
    records.token = acquired.record;
    token = tokenFacts(decodeClaims(acquired.accessToken), acquired.expiresOn);
    Object.assign(context, { objectId: token.objectId ?? undefined, roles: token.roles, audience: token.audience ?? undefined, tokenTenantId: token.tenantId ?? undefined });
    const extraRoles = checkClaims(token, { tenantId: mailbox.app.tenantId, exchangeResource: context.exchangeResource });
    phases.token = elapsed(phaseStart);
    warnings.push(...permissionWarnings(extraRoles, context));

    phase = 'connect';
    records.imap = imapRecord;
    const connectMs = Math.min(run.timeouts.connectMs, run.timeouts.checkMs);
    const probe = () => {
      for (const step of IMAP_PHASES) phases[step] = null;
      return probeImap(mailbox, acquired.accessToken, {
        connectMs,
        commandMs: run.timeouts.imapCommandMs,
        signal,
        lookup: deps.lookup,
        tls: deps.tls,
        // After the deadline the result is already written: a late mark must not change it.
        mark: (step, ms) => {
          if (!signal.aborted) phases[step] = Math.round(ms);
        },
      });
    };
    folder = await race(withRetries(probe, { deadlineAt, minAttemptMs: connectMs, transient: transientImap, signal, record: imapRecord }), signal);
    warnings.push(...backlogWarnings(folder, { unseen: mailbox.backlogUnseen, oldestMinutes: mailbox.backlogOldestMinutes }, context));
    // The check is done: what follows is waiting for Microsoft Graph, which is not the mailbox's
    // time. A slow or hung Graph must not make every healthy mailbox SLOW_CHECK (its phases would
    // show nothing slow); it is the run's one CREDENTIAL_EXPIRY_UNREAD (entraReadWarning).
    checkedBy = performance.now();
    const entra = entraRead && (await settledBefore(entraRead, signal));
    if (entra?.ok) {
      warnings.push(...entraCredentialWarnings({ app: entra.app, secretValue: secret.value, certificate: secret.certificate, vaultExpiresOn: secret.expiresOn, thresholdDays: run.thresholds.secretExpiryDays, context }));
      withEntraFacts(warnings, context);
    }
  } catch (thrown) {
    if (thrown instanceof CheckFailure && (thrown.code === 'TOKEN_INVALID_SECRET' || thrown.code === 'TOKEN_SECRET_EXPIRED' || thrown.code === 'TOKEN_INVALID_CERTIFICATE')) forgetWarmSecret(mailbox.app.secret);
    // During IMAP the probe marks each phase as it ends: the first unmarked one is where it stopped.
    const at: Phase = phase === 'connect' ? (IMAP_PHASES.find((p) => phases[p] === null) ?? 'logout') : phase;
    if (phases[phase] === null && phase !== 'connect') phases[phase] = elapsed(phaseStart);
    if (thrown instanceof CheckFailure && phase === 'connect' && !signal.aborted) thrown = withAttempts(thrown, imapRecord);
    failure = toFailure(thrown, signal, notStarted ? 'run' : at, context, deps.redactor);
    if (thrown instanceof CheckFailure && thrown.detail.attempts !== undefined && (phase === 'secret' || phase === 'token')) attempts[phase] = thrown.detail.attempts;
  } finally {
    dispose();
  }

  for (const step of RETRIED_STEPS) if (records[step]) attempts[step] = records[step].attempts;
  const durationMs = Math.round((checkedBy ?? performance.now()) - started);
  if (!failure) warnings.push(...retryWarnings(records, context));
  if (!failure) warnings.push(...slowWarnings(durationMs, run.thresholds.slowCheckMs, context));
  for (const w of warnings) {
    w.message = deps.redactor.scrub(w.message);
    if (w.remedy) w.remedy = deps.redactor.scrub(w.remedy);
  }
  return {
    mailbox: mailbox.id,
    address: mailbox.address,
    app: mailbox.app.id,
    status: failure ? 'failed' : warnings.some((w) => !INFORMATIONAL_WARNINGS.includes(w.code)) ? 'degraded' : 'ok',
    ...(failure ? { failure } : {}),
    warnings,
    phases,
    folder,
    token,
    secret: secretFacts,
    checkedAt,
    durationMs,
    attempts,
  };
}

/** Where the secret came from and when it expires; the countdown every consumer shows. */
function describeSecret(location: SecretLocation, expiresOn: Date | null | undefined, certificate?: LoadedCertificate, now = Date.now()): SecretFacts {
  const expires = expiresOn ?? null;
  return {
    source: 'env' in location ? 'env' : 'certificateFile' in location ? 'file' : 'keyVault',
    name: locationName(location),
    expiresOn: expires ? expires.toISOString() : null,
    daysLeft: expires ? daysUntil(expires, now) : null,
    ...(certificate ? { credentialKind: 'certificate' as const, thumbprint: certificate.thumbprintSha1 } : {}),
  };
}

/**
 * Worth another IMAP attempt: Exchange throttling or `NO [UNAVAILABLE]` (with its suggested
 * backoff as Retry-After), and a connection dropped before the greeting (a front end recycling).
 * A refused login, a missing folder, a refused connection are answers and are never retried.
 */
function transientImap(error: unknown): Transient | undefined {
  if (!(error instanceof CheckFailure)) return undefined;
  if (error.code === 'IMAP_THROTTLED') {
    const hint = /Backoff Time:\s*(\d+)\s*milliseconds/i.exec(error.detail.serverResponse ?? error.message);
    return { reason: `IMAP ${error.detail.serverResponse?.replace(/^\S+\s+/, '').slice(0, 60) ?? 'throttled'}`, retryAfterMs: hint ? Number(hint[1]) : undefined };
  }
  const closedEarly = new Set(['ClosedBeforeGreeting', ...TRANSIENT_NETWORK_CODES]);
  if (error.phase === 'connect' && (error.code === 'IMAP_CONNECTION_CLOSED' || error.code === 'IMAP_CONNECT_REFUSED') && closedEarly.has(error.detail.errorCode ?? '')) {
    return { reason: `${error.detail.errorCode} before the greeting` };
  }
  return undefined;
}

function withAttempts(failure: CheckFailure, record: AttemptRecord): CheckFailure {
  if (record.attempts <= 1) return failure;
  return new CheckFailure(failure.code, failure.phase, `${failure.message}${describeAttempts(record)}`, { ...failure.detail, attempts: record.attempts, transient: record.transient }, { cause: failure });
}

function toFailure(thrown: unknown, signal: AbortSignal, at: Phase | 'run', context: RemedyContext, redactor: Redactor): Failure {
  let code: FailureCode;
  let phase: FailurePhase;
  let message: string;
  if (signal.aborted && !(thrown instanceof CheckFailure && thrown.code !== 'IMAP_CONNECTION_CLOSED')) {
    const reason = signal.reason instanceof DeadlineExceeded ? signal.reason.reason : 'check';
    code = 'CHECK_TIMEOUT';
    phase = at;
    context.deadline = reason;
    message =
      at === 'run'
        ? `not checked: the run's deadline (timeouts.runMs) was reached before its turn`
        : reason === 'interrupted'
          ? `${(signal.reason as Error).message} during ${at}`
          : reason === 'run'
            ? `the run's deadline was reached during ${at}`
            : `the check's deadline was reached during ${at}`;
  } else if (thrown instanceof CheckFailure) {
    code = thrown.code;
    phase = thrown.phase;
    message = thrown.message;
    if (thrown.detail.aadsts) context.aadsts = thrown.detail.aadsts;
    if (thrown.detail.serverResponse) context.serverResponse = thrown.detail.serverResponse;
    if (thrown.detail.roles) context.roles = thrown.detail.roles;
    if (thrown.detail.audience) context.audience = thrown.detail.audience;
    if (thrown.detail.tokenTenantId) context.tokenTenantId = thrown.detail.tokenTenantId;
    if (thrown.detail.errorCode) context.errorCode = thrown.detail.errorCode;
    if (thrown.detail.callerObjectId) context.callerObjectId = thrown.detail.callerObjectId;
  } else {
    const error = ensureError(thrown);
    code = 'INTERNAL';
    phase = at === 'run' ? 'secret' : at;
    message = `${error.name}: ${error.message}`;
  }
  const failure: Failure = {
    code,
    phase,
    kind: FAILURE_CODES[code],
    message: redactor.scrub(message),
    remedy: redactor.scrub(failureRemedy(code, context)),
  };
  return failure;
}

/** The value, or undefined once the check's deadline passed: Entra's dates never fail a check. */
function settledBefore<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => resolve(value),
      () => resolve(undefined),
    ).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
