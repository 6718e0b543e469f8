/**
 * Key Vault's errors → secret-phase failures. The SDK throws RestError with `statusCode` and
 * Key Vault's `code` (SecretNotFound, Forbidden); a disabled secret is also a 403, told apart by
 * its message. The credential that reads the vault fails with @azure/identity's own errors.
 */
import { CheckFailure } from './check-failure';
import { DNS_CODES, REFUSED_CODES, TIMEOUT_CODES, errorCode, isTlsCode } from './network-errors';
import { outsideText } from './outside-text';

interface RestLikeError {
  name?: string;
  statusCode?: number;
  code?: string;
  message?: string;
}

export function classifyKeyVaultError(thrown: unknown, where: string): CheckFailure {
  if (thrown instanceof CheckFailure) return thrown;
  const error = (thrown ?? {}) as RestLikeError;
  // The vault's (or the identity's) first line, clipped where it enters: it can be any length.
  const first = outsideText((error.message ?? '').split('\n')[0] ?? '');
  if (error.name === 'VaultScopeRefused') {
    return new CheckFailure('SECRET_ACCESS_DENIED', 'secret', `${where}: ${first}`, { errorCode: error.name }, { cause: thrown });
  }
  if (error.name === 'VaultAnswerInvalid' || error.code === 'PARSE_ERROR') {
    return new CheckFailure('SECRET_SOURCE_UNREACHABLE', 'secret', `the vault holding ${where} ${error.name === 'VaultAnswerInvalid' ? first : 'answered something that is not JSON'}`, { errorCode: error.name }, { cause: thrown });
  }
  if (error.statusCode === 429) {
    return new CheckFailure('SECRET_THROTTLED', 'secret', `the vault holding ${where} is throttling reads (HTTP 429)`, { errorCode: 'HTTP_429' }, { cause: thrown });
  }
  if (error.statusCode === 404 || error.code === 'SecretNotFound') {
    return new CheckFailure('SECRET_NOT_FOUND', 'secret', `${where} does not exist`, { errorCode: error.code }, { cause: thrown });
  }
  if (error.statusCode === 403 && /disabled/i.test(first)) {
    return new CheckFailure('SECRET_DISABLED', 'secret', `${where} is disabled`, { errorCode: error.code }, { cause: thrown });
  }
  if (error.statusCode === 403 || error.statusCode === 401) {
    // Both of Key Vault's refusals name the caller: RBAC's "Caller: appid=…;oid=…;iss=…" and the
    // access policies' "The user, group or application 'appid=…;oid=…;iss=…' does not have …".
    const caller = /\boid=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/i.exec(error.message ?? '')?.[1];
    return new CheckFailure('SECRET_ACCESS_DENIED', 'secret', `the monitor's identity may not read ${where}: ${first}`, { errorCode: error.code, ...(caller ? { callerObjectId: caller } : {}) }, { cause: thrown });
  }
  if (error.name === 'CredentialUnavailableError' || error.name === 'AuthenticationError' || error.name === 'AggregateAuthenticationError') {
    // The monitor's own identity could not get a vault token: it has no access to the secret.
    return new CheckFailure('SECRET_ACCESS_DENIED', 'secret', `the monitor's identity could not sign in to read ${where}: ${first}`, { errorCode: error.name }, { cause: thrown });
  }
  const code = errorCode(thrown);
  if (error.name === 'AbortError' || (code && (TIMEOUT_CODES.has(code) || DNS_CODES.has(code) || REFUSED_CODES.has(code) || isTlsCode(code))) || (error.statusCode ?? 0) >= 500) {
    const why = error.name === 'AbortError' ? 'no answer in time' : code ? `${code}` : `HTTP ${error.statusCode}`;
    return new CheckFailure('SECRET_SOURCE_UNREACHABLE', 'secret', `the vault holding ${where} is unreachable: ${why}`, { errorCode: code }, { cause: thrown });
  }
  throw thrown;
}
