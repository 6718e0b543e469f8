/**
 * MSAL's errors → token-phase failures. MSAL surfaces Entra's refusals as ServerError with
 * `errorNo` = the AADSTS number (docs/SDK-FACTS.md); network failures arrive wrapped, so the network
 * client's own record of the socket error is consulted.
 */
import { CheckFailure } from './check-failure';
import type { FailureCode } from '../contract/codes';
import { errorCode } from './network-errors';
import type { TokenNetworkError } from '../token/network-client';
import { outsideText } from './outside-text';

const BY_AADSTS: Record<number, FailureCode> = {
  7000215: 'TOKEN_INVALID_SECRET',
  7000222: 'TOKEN_SECRET_EXPIRED',
  700016: 'TOKEN_APP_NOT_FOUND',
  90002: 'TOKEN_TENANT_NOT_FOUND',
  1002012: 'TOKEN_INVALID_SCOPE',
  70011: 'TOKEN_INVALID_SCOPE',
  // Client assertions (certificate credentials, issue 18), as Entra's error reference and the
  // Azure SDK's troubleshooting guide document them:
  // 700027 "Client assertion failed signature validation" / the certificate is not registered or expired on the app.
  700027: 'TOKEN_INVALID_CERTIFICATE',
  // 700030 "Invalid certificate - subject name in certificate isn't authorized" (trust by subject name and issuer).
  700030: 'TOKEN_INVALID_CERTIFICATE',
  // 700024 "Client assertion is not within its valid time range".
  700024: 'TOKEN_ASSERTION_OUT_OF_TIME',
  // 700021 "Client assertion application identifier doesn't match 'client_id' parameter".
  700021: 'TOKEN_ASSERTION_INVALID',
  // 700023 "Client assertion audience claim does not match Realm issuer".
  700023: 'TOKEN_ASSERTION_INVALID',
  7000112: 'TOKEN_APP_DISABLED',
  53003: 'TOKEN_BLOCKED_BY_POLICY',
  // "The resource principal named X was not found in the tenant": the scope names a resource the
  // tenant does not have — a mistyped cloud.imapResource, or the wrong cloud.
  500011: 'TOKEN_INVALID_SCOPE',
};

interface MsalLikeError {
  errorCode?: string;
  errorNo?: string | number;
  errorMessage?: string;
  status?: number;
  message?: string;
}

function aadstsOf(error: MsalLikeError): number | undefined {
  const fromField = Number(error.errorNo);
  if (Number.isInteger(fromField) && fromField > 0) return fromField;
  const match = /AADSTS(\d+)/.exec(`${error.errorMessage ?? ''} ${error.message ?? ''}`);
  return match ? Number(match[1]) : undefined;
}

/** The first line of Entra's description, without the trace and correlation ids that follow it. */
function describe(error: MsalLikeError): string {
  const full = error.errorMessage || error.message || 'token request failed';
  // msal-node 7 wraps it as "Error(s): n - Timestamp: ... - Description: AADSTSn: ... - Trace ID: ...".
  const from = full.indexOf('AADSTS');
  const text = from >= 0 ? full.slice(from) : full;
  // Clipped where it enters: a server's one-line description can be any length.
  return outsideText((text.split(/\r?\n| - Trace ID:| Trace ID:| - Correlation ID:| - Timestamp:/)[0] ?? '').trim());
}

export function classifyTokenError(thrown: unknown, network: TokenNetworkError | undefined): CheckFailure {
  if (thrown instanceof CheckFailure) return thrown;
  const error = (thrown ?? {}) as MsalLikeError;
  const aadsts = aadstsOf(error);
  if (network?.code === 'HTTP_429' || (!network && error.status === 429)) {
    return new CheckFailure('TOKEN_THROTTLED', 'token', `Entra ID is throttling the token requests of this app: ${network ? network.message : `HTTP 429: ${describe(error)}`}`, { aadsts, errorCode: 'HTTP_429' }, { cause: thrown });
  }
  // A 5xx or a socket failure is Entra being unavailable, even when its body names an AADSTS error.
  if (network || (error.status !== undefined && error.status >= 500) || error.errorCode === 'network_error') {
    const why = network ? `${network.message} (${network.code})` : `HTTP ${error.status ?? '?'}: ${describe(error)}`;
    return new CheckFailure('TOKEN_ENDPOINT_UNREACHABLE', 'token', `Entra ID did not answer the token request: ${why}`, { aadsts, errorCode: network?.code ?? errorCode(thrown) }, { cause: thrown });
  }
  if (aadsts !== undefined) {
    const code = BY_AADSTS[aadsts] ?? 'TOKEN_REQUEST_FAILED';
    return new CheckFailure(code, 'token', describe(error), { aadsts, errorCode: error.errorCode }, { cause: thrown });
  }
  if (error.errorCode && /^[a-z_]+$/.test(error.errorCode)) {
    return new CheckFailure('TOKEN_REQUEST_FAILED', 'token', `${error.errorCode}: ${describe(error)}`, { errorCode: error.errorCode }, { cause: thrown });
  }
  throw thrown;
}
