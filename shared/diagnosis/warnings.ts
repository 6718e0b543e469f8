/**
 * The warnings: the mailbox works, but something will break it (an expiring secret) or shows it
 * is not being consumed (backlog), or the app may do far more than IMAP needs.
 */
import type { WarningCode } from '../contract/codes';
import type { RemedyContext } from './remedy-context';
import { warningRemedy } from './remedies';
import type { FolderStatus, Warning } from '../contract/result';
import type { RetriedStep } from '../contract/codes';
import type { AttemptRecord } from '../resilience/retry';

const DAY_MS = 24 * 60 * 60 * 1000;

/** Whole days from now until `date`, negative once it has passed (floor: 0 on its last day). */
export function daysUntil(date: Date, now = Date.now()): number {
  return Math.floor((date.getTime() - now) / DAY_MS);
}

export function warning(code: WarningCode, message: string, context: RemedyContext, data: Record<string, unknown> = {}): Warning {
  const remedy = warningRemedy(code, context);
  return { code, message, ...(remedy ? { remedy } : {}), ...data };
}

/** Key Vault's `expiresOn`: undefined for an env secret (nothing to say), null for "never". */
export function secretWarnings(expiresOn: Date | null | undefined, thresholdDays: number, context: RemedyContext, now = Date.now()): Warning[] {
  if (context.certificate) return certificateWarnings(context.certificate, thresholdDays, context, now);
  if (expiresOn === undefined) return [];
  if (expiresOn === null) {
    return [warning('SECRET_NO_EXPIRY', 'the vault secret has no expiry date, so its expiry cannot be warned about', context)];
  }
  const daysLeft = daysUntil(expiresOn, now);
  const data = { expiresOn: expiresOn.toISOString(), daysLeft };
  if (expiresOn.getTime() <= now) {
    return [warning('SECRET_EXPIRED_IN_VAULT', `the vault secret expired on ${expiresOn.toISOString().slice(0, 10)}`, context, data)];
  }
  if (daysLeft < thresholdDays) {
    return [warning('SECRET_EXPIRING', `the vault secret expires on ${expiresOn.toISOString().slice(0, 10)}, in ${daysLeft} day(s)`, context, data)];
  }
  return [];
}

/**
 * A certificate dates itself (issue 18): its notAfter, from the vault or the file. One past its
 * end never gets here (CERTIFICATE_EXPIRED fails the read).
 */
function certificateWarnings(certificate: NonNullable<RemedyContext['certificate']>, thresholdDays: number, context: RemedyContext, now: number): Warning[] {
  const notAfter = new Date(certificate.notAfter);
  const daysLeft = daysUntil(notAfter, now);
  if (daysLeft >= thresholdDays) return [];
  return [
    warning('CERTIFICATE_EXPIRING', `the certificate (thumbprint ${certificate.thumbprintSha1}, ${certificate.subject}) expires on ${certificate.notAfter.slice(0, 10)}, in ${daysLeft} day(s)`, context, {
      credentialKind: 'certificate',
      thumbprint: certificate.thumbprintSha1,
      expiresOn: notAfter.toISOString(),
      daysLeft,
    }),
  ];
}

/**
 * A remedy written before Entra was read that can name Entra's facts once they are known:
 * SECRET_NO_EXPIRY then gives the end date of the secret in use instead of how to look it up.
 */
export function withEntraFacts(warnings: Warning[], context: RemedyContext): void {
  if (!context.entraInUse) return;
  for (const w of warnings) {
    if (w.code !== 'SECRET_NO_EXPIRY') continue;
    const remedy = warningRemedy(w.code, context);
    if (remedy) w.remedy = remedy;
  }
}

export function permissionWarnings(extraRoles: string[], context: RemedyContext): Warning[] {
  if (extraRoles.length === 0) return [];
  return [warning('EXCESS_PERMISSIONS', `the app holds ${extraRoles.join(', ')} beyond IMAP.AccessAsApp`, context, { roles: extraRoles })];
}

export function backlogWarnings(folder: FolderStatus, limits: { unseen: number; oldestMinutes: number }, context: RemedyContext): Warning[] {
  const tooMany = folder.unseen >= limits.unseen;
  const tooOld = folder.oldestUnseenMinutes !== undefined && folder.oldestUnseenMinutes >= limits.oldestMinutes;
  if (!tooMany && !tooOld) return [];
  const reasons = [
    tooMany ? `${folder.unseen} unseen (limit ${limits.unseen})` : undefined,
    tooOld ? `oldest unseen ${folder.oldestUnseenMinutes} min old (limit ${limits.oldestMinutes})` : undefined,
  ].filter(Boolean);
  return [warning('MAILBOX_BACKLOG', `${folder.name}: ${reasons.join(', ')}`, context, { unseen: folder.unseen, oldestUnseenMinutes: folder.oldestUnseenMinutes })];
}

export function slowWarnings(durationMs: number, limitMs: number, context: RemedyContext): Warning[] {
  if (durationMs < limitMs) return [];
  return [warning('SLOW_CHECK', `the check took ${durationMs} ms (limit ${limitMs} ms)`, context, { durationMs })];
}

/** A step that needed more than one request and then worked: informational, never an alarm. */
export function retryWarnings(records: Partial<Record<RetriedStep, AttemptRecord>>, context: RemedyContext): Warning[] {
  const retried = Object.entries(records).filter(([, r]) => r && r.attempts > 1 && r.transient.length > 0) as [RetriedStep, AttemptRecord][];
  return retried.map(([step, r]) =>
    warning('TRANSIENT_RETRIED', `${step}: worked on attempt ${r.attempts} after ${r.transient.join(', ')}`, context, { step, attempts: r.attempts, transient: [...r.transient] }),
  );
}
