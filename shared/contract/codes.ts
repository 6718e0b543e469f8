/**
 * The failure and warning codes (docs/failure-codes.md, one table row each). They are a public contract: other tools parse them,
 * so codes are only ever added, never renamed.
 */
export const PHASES = ['secret', 'token', 'connect', 'auth', 'folder', 'logout'] as const;
export type Phase = (typeof PHASES)[number];
/** `config` and `run` are phases of the whole run, not of one mailbox's check. */
export type FailurePhase = Phase | 'config' | 'run';

export const KINDS = ['config', 'credential', 'permission', 'network', 'timeout', 'throttled', 'protocol', 'internal'] as const;
export type Kind = (typeof KINDS)[number];

export const FAILURE_CODES = {
  CONFIG_INVALID: 'config',
  SECRET_NOT_FOUND: 'config',
  SECRET_ACCESS_DENIED: 'permission',
  SECRET_DISABLED: 'credential',
  SECRET_SOURCE_UNREACHABLE: 'network',
  SECRET_THROTTLED: 'throttled',
  TOKEN_INVALID_SECRET: 'credential',
  TOKEN_SECRET_EXPIRED: 'credential',
  TOKEN_APP_NOT_FOUND: 'config',
  TOKEN_TENANT_NOT_FOUND: 'config',
  TOKEN_INVALID_SCOPE: 'config',
  TOKEN_INVALID_CERTIFICATE: 'credential',
  TOKEN_REQUEST_FAILED: 'credential',
  TOKEN_ENDPOINT_UNREACHABLE: 'network',
  TOKEN_THROTTLED: 'throttled',
  TOKEN_MISSING_ROLE: 'permission',
  TOKEN_WRONG_AUDIENCE: 'config',
  TOKEN_TENANT_MISMATCH: 'config',
  // AADSTS7000112: the app's service principal is disabled for sign-in in the tenant.
  TOKEN_APP_DISABLED: 'permission',
  // AADSTS53003: a Conditional Access policy for workload identities refused the token.
  TOKEN_BLOCKED_BY_POLICY: 'permission',
  // Certificate credentials (issue 18). Entra's refusals of a client assertion:
  // AADSTS700024: the assertion's nbf/exp do not cover Entra's clock: the monitor's clock is off.
  TOKEN_ASSERTION_OUT_OF_TIME: 'config',
  // AADSTS700021 / AADSTS700023: the assertion's issuer/subject is not the client id, or its audience not the authority.
  TOKEN_ASSERTION_INVALID: 'config',
  // The certificate as read from the vault or file, before any token request:
  CERTIFICATE_EXPIRED: 'credential',
  CERTIFICATE_NOT_YET_VALID: 'credential',
  // The certificate came without its private key (a Key Vault certificate whose key is not exportable).
  CERTIFICATE_NO_PRIVATE_KEY: 'config',
  // A PKCS#12 or PEM key protected by a password.
  CERTIFICATE_PASSWORD_PROTECTED: 'config',
  // Neither PEM nor PKCS#12, no certificate in it, a key that is not RSA or belongs to none of its certificates.
  CERTIFICATE_UNUSABLE: 'config',
  IMAP_DNS: 'network',
  IMAP_CONNECT_REFUSED: 'network',
  IMAP_TLS: 'network',
  IMAP_TIMEOUT: 'timeout',
  IMAP_AUTH_FAILED: 'permission',
  IMAP_NOT_CONNECTED: 'permission',
  IMAP_CONNECTION_CLOSED: 'network',
  IMAP_FOLDER_NOT_FOUND: 'config',
  IMAP_THROTTLED: 'throttled',
  IMAP_PROTOCOL: 'protocol',
  CHECK_TIMEOUT: 'timeout',
  INTERNAL: 'internal',
} as const satisfies Record<string, Kind>;
export type FailureCode = keyof typeof FAILURE_CODES;

export const WARNING_CODES = [
  'SECRET_EXPIRING',
  'SECRET_EXPIRED_IN_VAULT',
  'SECRET_NO_EXPIRY',
  'CREDENTIAL_EXPIRING',
  'EXCESS_PERMISSIONS',
  'MAILBOX_BACKLOG',
  'SLOW_CHECK',
  // The Key Vault copy's expiresOn and the Entra credential's endDateTime differ by over a day.
  'CREDENTIAL_EXPIRY_MISMATCH',
  // A newer secret exists on the app registration, but the vault still holds the expiring one.
  'CREDENTIAL_ROTATION_INCOMPLETE',
  // The monitor's identity may not read app registrations (run-level: once per run).
  'GRAPH_PERMISSION_MISSING',
  // Microsoft Graph could not be read (unreachable, throttled past the retries, app not found).
  'CREDENTIAL_EXPIRY_UNREAD',
  // A notification channel failed in the previous run (run-level).
  'NOTIFY_CHANNEL_FAILED',
  'TRANSIENT_RETRIED',
  // The certificate the app signs in with ends within thresholds.secretExpiryDays (its notAfter).
  'CERTIFICATE_EXPIRING',
  // Issue 20: an outage-shaped failure (IMAP timeout, throttling / NO [UNAVAILABLE], connection
  // dropped or refused) while Microsoft lists an unresolved Exchange Online incident: on the
  // failing mailbox's result, with the incident's id, title, status, start and admin center link.
  'SERVICE_INCIDENT_ACTIVE',
  // Issue 20: Microsoft 365 service health could not be read (Graph unreachable, hung, throttled
  // past the retries, or an answer that is not a list of issues) (run-level: once per run).
  'SERVICE_HEALTH_UNREAD',
] as const;
export type WarningCode = (typeof WARNING_CODES)[number];

/**
 * Warnings that inform without degrading the mailbox: a transient failure that a retry got past
 * is worth seeing in the report, but an alarm on it is exactly the false alarm retries prevent.
 */
export const INFORMATIONAL_WARNINGS: readonly WarningCode[] = ['TRANSIENT_RETRIED'];

/** The steps that retry transient failures; `attempts` in a result counts requests per step. */
export const RETRIED_STEPS = ['secret', 'token', 'imap'] as const;
export type RetriedStep = (typeof RETRIED_STEPS)[number];

/** The one role IMAP needs; anything beyond it is EXCESS_PERMISSIONS. */
export const IMAP_ROLE = 'IMAP.AccessAsApp';
