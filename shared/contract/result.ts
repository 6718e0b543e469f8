/**
 * The result contract (docs/ARCHITECTURE.md, "Result contract"; stable: other tools parse it). Every phase key is always
 * present, null when the phase was not reached.
 */
import type { FailureCode, FailurePhase, Kind, Phase, RetriedStep, WarningCode } from './codes';

export type Status = 'ok' | 'degraded' | 'failed';

export interface Failure {
  code: FailureCode;
  phase: FailurePhase;
  kind: Kind;
  message: string;
  remedy: string;
}

export interface Warning {
  code: WarningCode;
  message: string;
  remedy?: string;
  [data: string]: unknown;
}

export type PhaseTimings = Record<Phase, number | null>;

export interface FolderStatus {
  name: string;
  messages: number;
  unseen: number;
  oldestUnseenMinutes?: number;
}

/** Non-secret facts read from the access token's claims. */
export interface TokenFacts {
  appId: string | null;
  tenantId: string | null;
  objectId: string | null;
  roles: string[];
  audience: string | null;
  expiresOn: string | null;
}

/** Non-secret facts about the client secret the check used (never its value). */
export interface SecretFacts {
  /** `keyVault`: a vault secret or certificate (its name); `env`: an environment variable (its name); `file`: a certificate file (its path). */
  source: 'keyVault' | 'env' | 'file';
  name: string;
  /** The vault secret's `expiresOn` (ISO); null when it has none, and for an environment variable. */
  expiresOn: string | null;
  /** Whole days until `expiresOn`, negative once past; null when it is null. */
  daysLeft: number | null;
  /** Only for a certificate (issue 18): `certificate`, with its SHA-1 thumbprint; a secret has neither field. */
  credentialKind?: 'certificate';
  thumbprint?: string;
}

/** A maintenance window the check ran in (issue 20): nobody was notified, alerts and uptime leave it out. */
export interface MaintenanceState {
  reason: string;
  /** When the window ends (ISO, UTC). */
  endsAt: string;
}

export interface CheckResult {
  mailbox: string;
  address: string;
  app: string;
  status: Status;
  failure?: Failure;
  warnings: Warning[];
  phases: PhaseTimings;
  folder: FolderStatus | null;
  token: TokenFacts | null;
  /**
   * The secret the check read, null when it could not be read. Every check sets it; optional only
   * for results stored before it existed.
   */
  secret?: SecretFacts | null;
  checkedAt: string;
  durationMs: number;
  /**
   * Requests made per step, retries included (0: the step was not reached, or a cache answered).
   * The secret and the token are shared by an app's mailboxes: theirs are the shared request's.
   * Every check sets it; optional only for results stored before it existed.
   */
  attempts?: Record<RetriedStep, number>;
  /** Present only when the check ran inside a configured maintenance window. */
  maintenance?: MaintenanceState;
}

export interface RunCounts {
  total: number;
  ok: number;
  degraded: number;
  failed: number;
}

/**
 * Present when the run did not check everything: `interrupted` (a signal; only the finished
 * checks are in `results`, the rest in `notChecked`) or `deadline` (timeouts.runMs; every
 * mailbox has a result, those never started fail CHECK_TIMEOUT in phase `run`).
 */
export interface PartialRun {
  reason: 'interrupted' | 'deadline';
  message: string;
  notChecked: string[];
}

export interface RunReport {
  startedAt: string;
  durationMs: number;
  status: Status;
  counts: RunCounts;
  results: CheckResult[];
  /**
   * The run's own warnings, about the monitor rather than a mailbox (GRAPH_PERMISSION_MISSING,
   * NOTIFY_CHANNEL_FAILED, SERVICE_HEALTH_UNREAD): once per run each, absent when there are none.
   * They do not change `status`.
   */
  warnings?: Warning[];
  partial?: PartialRun;
  /** A report of the built-in demo against the simulated tenant, not of a real tenant. */
  demo?: true;
}
