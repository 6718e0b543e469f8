/**
 * Which failures an Exchange Online outage produces (issue 20): the IMAP server not answering in
 * time, throttling or `NO [UNAVAILABLE]` (both IMAP_THROTTLED), a connection dropped or refused by
 * Exchange's front end, or the check's deadline reached while talking IMAP. Only these make a run
 * read Microsoft 365 service health, and only these carry an incident.
 *
 * Not outage-shaped, even when their kind is `network`: a host that does not resolve (IMAP_DNS: a
 * mistyped host) or a certificate that is not trusted (IMAP_TLS: a TLS-inspecting proxy) are answers
 * about the path, and every secret, token and permission failure is the tenant's configuration —
 * telling the admin to wait for Microsoft there would hide the fault they can fix.
 */
import type { FailureCode, FailurePhase } from '../contract/codes';
import type { Failure } from '../contract/result';

export const OUTAGE_SHAPED_CODES: readonly FailureCode[] = ['IMAP_TIMEOUT', 'IMAP_THROTTLED', 'IMAP_CONNECTION_CLOSED', 'IMAP_CONNECT_REFUSED'];
const IMAP_PHASES: readonly FailurePhase[] = ['connect', 'auth', 'folder', 'logout'];

export function isOutageShaped(failure: Pick<Failure, 'code' | 'phase'>): boolean {
  if (OUTAGE_SHAPED_CODES.includes(failure.code)) return true;
  // The check's own deadline while Exchange was being talked to (not one never started: phase `run`).
  return failure.code === 'CHECK_TIMEOUT' && IMAP_PHASES.includes(failure.phase);
}
