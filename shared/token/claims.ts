/**
 * The access token's claims, decoded and not trusted: Exchange validates the signature, the
 * monitor only reads what explains a refusal (roles, audience, tenant, the service principal's
 * object id that New-ServicePrincipal and Add-MailboxPermission need).
 */
import { CheckFailure } from '../diagnosis/check-failure';
import { IMAP_ROLE } from '../contract/codes';
import { EXCHANGE_APP_ID, isExchangeAudience } from '../config/clouds';
import type { TokenFacts } from '../contract/result';
import { outsideText } from '../diagnosis/outside-text';

/** A real Entra token is about 2.5 KB; a payload far beyond is not one, and is not parsed. */
const MAX_PAYLOAD_CHARS = 64 * 1024;

export function decodeClaims(accessToken: string): Record<string, unknown> {
  const payload = accessToken.split('.')[1];
  if (!payload || !/^[\w-]+$/.test(payload)) throw new CheckFailure('TOKEN_REQUEST_FAILED', 'token', 'the access token is not a JWT');
  if (payload.length > MAX_PAYLOAD_CHARS) throw new CheckFailure('TOKEN_REQUEST_FAILED', 'token', `the access token payload is not readable JSON (${payload.length} characters, far beyond a real token)`);
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new Error('not an object');
    return claims as Record<string, unknown>;
  } catch {
    throw new CheckFailure('TOKEN_REQUEST_FAILED', 'token', 'the access token payload is not readable JSON');
  }
}

// The claims come from outside (whoever answered the token request): each text is clipped where it
// enters, and so is the list of roles (a real app has a handful; a 64 KB payload could hold thousands).
const str = (value: unknown): string | null => (typeof value === 'string' ? outsideText(value) : null);
const MAX_ROLES = 50;

export function tokenFacts(claims: Record<string, unknown>, expiresOn: Date | null): TokenFacts {
  const exp = typeof claims.exp === 'number' ? new Date(claims.exp * 1000) : expiresOn;
  return {
    appId: str(claims.appid) ?? str(claims.azp),
    tenantId: str(claims.tid),
    objectId: str(claims.oid),
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string').slice(0, MAX_ROLES).map((r) => outsideText(r, 120)) : [],
    audience: Array.isArray(claims.aud) ? (str(claims.aud[0]) ?? null) : str(claims.aud),
    expiresOn: exp ? exp.toISOString() : null,
  };
}

/**
 * Throws the token-phase failure the claims explain; returns the roles beyond IMAP's. The
 * audience is judged against Exchange Online (its resource URL in v1 tokens, its app id in v2
 * ones), not against the configured `cloud.imapResource`: a config naming Microsoft Graph there
 * gets a Graph token, and that is the mistake to report, not a missing consent.
 */
export function checkClaims(facts: TokenFacts, expected: { tenantId: string; exchangeResource: string }): string[] {
  if (!isExchangeAudience(facts.audience)) {
    throw new CheckFailure('TOKEN_WRONG_AUDIENCE', 'token', `the token's audience is ${facts.audience ?? 'missing'}, not Exchange Online (${expected.exchangeResource} or app id ${EXCHANGE_APP_ID})`, { audience: facts.audience ?? undefined });
  }
  if (facts.tenantId?.toLowerCase() !== expected.tenantId.toLowerCase()) {
    throw new CheckFailure('TOKEN_TENANT_MISMATCH', 'token', `the token was issued by tenant ${facts.tenantId ?? '(none)'}, not ${expected.tenantId}`, { tokenTenantId: facts.tenantId ?? undefined });
  }
  if (!facts.roles.includes(IMAP_ROLE)) {
    throw new CheckFailure('TOKEN_MISSING_ROLE', 'token', `the token has no ${IMAP_ROLE} role (roles: ${facts.roles.length ? facts.roles.join(', ') : 'none'}): admin consent is missing`, { roles: facts.roles });
  }
  return facts.roles.filter((role) => role !== IMAP_ROLE);
}
