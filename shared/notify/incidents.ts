/**
 * The incident state machine: what the stored state and this run's observation say should be
 * sent, if anything. Pure: no I/O, the clock passed in. One incident per mailbox
 * (`mailbox:<id>`) and one per app credential (`credential:<app id>`), so an expiring secret
 * shared by ten mailboxes is one message, not ten.
 *
 *   mailbox     ok/degraded ──fails──► open(code)            "failing"
 *               open(code)  ──another code──► open(code')    "changed"
 *               open        ──repeat interval──► open        "reminder"
 *               open        ──ok or degraded──► closed       "recovered"
 *               closed      ──a warning kind not seen last run──► closed  "warning"
 *   credential  closed      ──days left ≤ a threshold──► open(stage)  "credential-expiring"
 *               open(stage) ──a lower threshold──► open(stage')       "credential-expiring"
 *               open        ──repeat interval──► open                 "reminder"
 *               open        ──outside the window (rotated)──► closed  "credential-resolved"
 *
 * A mailbox result inside a maintenance window (`result.maintenance`, issue 20) leaves its incident
 * exactly as it was: nothing is sent and nothing written. The first run after the window then
 * compares with the state from before it, so a mailbox that began failing in the window is
 * "failing" once (the ETag-guarded write lets one instance send it), one that failed before and
 * still fails with the same code is not announced again, and one that recovered is "recovered".
 */
import type { CheckResult, Warning } from '../contract/result';
import type { NotificationKind } from './notification';

export interface IncidentState {
  incident: string;
  /** 'open': failing (mailbox) or inside the expiry window (credential). */
  state: 'closed' | 'open';
  /** Mailbox: the failure code. Credential: the threshold stage in days ('0' = expired). */
  code: string;
  /** Mailbox: the warning kinds of the last run, sorted, comma-separated. */
  warnings: string;
  openedAt: string;
  lastNotifiedAt: string;
  lastKind: string;
  notifications: number;
  updatedAt: string;
}

export type Observation =
  | { kind: 'mailbox'; incident: string; result: CheckResult }
  | { kind: 'credential'; incident: string; app: string; daysLeft: number | null; warning?: Warning };

export interface Decision {
  next: IncidentState;
  /** What to send; undefined: nothing (the row may still change, e.g. a warning went away). */
  send?: NotificationKind;
  /** Whether the stored row must be written. */
  changed: boolean;
}

/** Credential warnings belong to the credential's incident, not to each mailbox's. */
export const CREDENTIAL_WARNINGS = new Set(['SECRET_EXPIRING', 'SECRET_EXPIRED_IN_VAULT', 'CREDENTIAL_EXPIRING', 'CREDENTIAL_ROTATION_INCOMPLETE', 'CREDENTIAL_EXPIRY_MISMATCH', 'CERTIFICATE_EXPIRING']);

export function mailboxWarningKinds(result: CheckResult): string {
  return [...new Set(result.warnings.map((w) => w.code).filter((c) => !CREDENTIAL_WARNINGS.has(c)))].sort().join(',');
}

/** The stage a credential is in: the smallest threshold its days left are within, 0 once expired. */
export function expiryStage(daysLeft: number, thresholds: number[]): number | undefined {
  if (daysLeft < 0) return 0;
  const within = thresholds.filter((t) => daysLeft <= t);
  return within.length > 0 ? Math.min(...within) : undefined;
}

export interface DecideOptions {
  now: Date;
  repeatMs: number;
  thresholds: number[];
}

export function decide(previous: IncidentState | undefined, observation: Observation, options: DecideOptions): Decision {
  const now = options.now.toISOString();
  if (observation.kind === 'mailbox' && observation.result.maintenance) {
    return { next: previous ?? closedState(observation.incident, now), changed: false };
  }
  const base: IncidentState = previous ?? closedState(observation.incident, now);
  const due = previous?.state === 'open' && previous.lastNotifiedAt !== '' && options.now.getTime() - Date.parse(previous.lastNotifiedAt) >= options.repeatMs;

  let open: boolean;
  let code: string;
  let warnings = base.warnings;
  let send: NotificationKind | undefined;
  if (observation.kind === 'mailbox') {
    const result = observation.result;
    open = result.status === 'failed';
    code = result.failure?.code ?? '';
    warnings = mailboxWarningKinds(result);
    if (open) {
      if (base.state !== 'open') send = 'failing';
      else if (base.code !== code) send = 'changed';
      else if (due) send = 'reminder';
    } else if (base.state === 'open') {
      send = 'recovered';
    } else {
      const before = new Set(base.warnings.split(',').filter(Boolean));
      if (warnings.split(',').some((w) => w && !before.has(w))) send = 'warning';
    }
  } else {
    const stage = observation.daysLeft === null ? undefined : expiryStage(observation.daysLeft, options.thresholds);
    open = stage !== undefined;
    code = open ? String(stage) : '';
    if (open) {
      if (base.state !== 'open' || Number(base.code) > stage!) send = 'credential-expiring';
      else if (due) send = 'reminder';
    } else if (base.state === 'open') {
      send = 'credential-resolved';
    }
  }

  const next: IncidentState = {
    ...base,
    state: open ? 'open' : 'closed',
    code,
    warnings,
    openedAt: open ? (base.state === 'open' ? base.openedAt : now) : base.openedAt,
    ...(send ? { lastNotifiedAt: now, lastKind: send, notifications: base.notifications + 1 } : {}),
  };
  const changed = !previous || send !== undefined || next.state !== base.state || next.code !== base.code || next.warnings !== base.warnings;
  if (changed) next.updatedAt = now;
  return { next, send, changed };
}

function closedState(incident: string, now: string): IncidentState {
  return { incident, state: 'closed', code: '', warnings: '', openedAt: '', lastNotifiedAt: '', lastKind: '', notifications: 0, updatedAt: now };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * This run's observations: one per mailbox, one per app whose credential could be dated (an app
 * whose every mailbox failed before its secret was read says nothing about its credential).
 */
export function observe(results: CheckResult[], now = Date.now()): Observation[] {
  const observations: Observation[] = results.map((result) => ({ kind: 'mailbox', incident: `mailbox:${result.mailbox}`, result }));
  const byApp = new Map<string, CheckResult[]>();
  for (const r of results) byApp.set(r.app, [...(byApp.get(r.app) ?? []), r]);
  for (const [app, own] of byApp) {
    const dated = own.filter((r) => r.failure?.phase !== 'secret' && r.phases.secret !== null);
    if (dated.length === 0 || own.every((r) => r.failure)) continue;
    observations.push(credentialObservation(app, dated.flatMap((r) => r.warnings), now));
  }
  return observations;
}

/** Entra's date wins over the vault's copy; with neither warning the credential is outside the window. */
export function credentialObservation(app: string, warnings: Warning[], now = Date.now()): Observation {
  const entra = warnings.find((w) => w.code === 'CREDENTIAL_EXPIRING');
  // A certificate's own notAfter (issue 18) is its vault date.
  const vault = warnings.find((w) => w.code === 'SECRET_EXPIRING' || w.code === 'SECRET_EXPIRED_IN_VAULT' || w.code === 'CERTIFICATE_EXPIRING');
  const warning = entra ?? vault;
  const end = warning ? ((warning.endDateTime ?? warning.expiresOn) as string | undefined) : undefined;
  const daysLeft = end ? Math.floor((Date.parse(end) - now) / DAY_MS) : null;
  return { kind: 'credential', incident: `credential:${app}`, app, daysLeft, ...(warning ? { warning } : {}) };
}
