/**
 * imapflow's errors → IMAP failures, named by the phase the session had reached (docs/SDK-FACTS.md lists
 * what imapflow throws). Exchange's texts: `NO AUTHENTICATE failed.` for a refused login,
 * `BAD User is authenticated but not connected.` when IMAP is off or access is missing.
 */
import { CheckFailure } from './check-failure';
import type { Phase } from '../contract/codes';
import { DNS_CODES, REFUSED_CODES, TIMEOUT_CODES, errorCode, isTlsCode } from './network-errors';
import type { ImapSession } from '../imap/imap-session';

interface ImapLikeError {
  message?: string;
  code?: string;
  authenticationFailed?: boolean;
  responseStatus?: string;
  responseText?: string;
  response?: unknown;
  serverResponseCode?: string;
}

const NOT_CONNECTED = /authenticated but not connected/i;
const THROTTLED = /throttl|\[UNAVAILABLE\]|server unavailable|too many (connections|requests)|\[LIMIT\]/i;
const CLOSED_CODES = new Set(['NoConnection', 'EConnectionClosed', 'StateLogout', 'ClosedAfterConnectText', 'ClosedAfterConnectTLS']);

function textOf(error: ImapLikeError): string {
  const parts = [error.responseText, typeof error.response === 'string' ? error.response : undefined, error.message];
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join(' | ').slice(0, 300);
}

/**
 * OpenSSL's own text ("803C…:error:0A00010B:SSL routines:ssl3_get_record:wrong version
 * number:../deps/openssl/…:350:\n") reduced to its reason, on one line: it goes into a table.
 */
export function tlsReason(message: string | undefined): string {
  const text = message ?? '';
  const openssl = /error:[0-9A-F]+:[^:]*routines:[^:]*:([^:]+):/i.exec(text);
  const reason = openssl ? openssl[1]! : text;
  return reason.replace(/\s+/g, ' ').trim().slice(0, 200);
}

/** The phase the session was in when it failed; `folder` is the caller's once connect() resolved. */
export function sessionPhase(session: ImapSession, fallback: Phase): Phase {
  if (session.stage === 'connecting') return 'connect';
  if (session.stage === 'greeted') return 'auth';
  return fallback === 'connect' || fallback === 'auth' ? 'folder' : fallback;
}

export function classifyImapError(thrown: unknown, session: ImapSession, phase: Phase, where: string): CheckFailure {
  if (thrown instanceof CheckFailure) return thrown;
  const error = (thrown ?? {}) as ImapLikeError;
  const code = errorCode(thrown);
  const text = textOf(error);
  const detail = { serverResponse: session.lastServerLine, errorCode: code };
  const fail = (failure: ConstructorParameters<typeof CheckFailure>[0], at: Phase, message: string) => new CheckFailure(failure, at, message, detail, { cause: thrown });

  if (NOT_CONNECTED.test(text) || NOT_CONNECTED.test(session.lastServerLine ?? '')) {
    return fail('IMAP_NOT_CONNECTED', 'folder', `${where}: login accepted, then "User is authenticated but not connected."`);
  }
  if (THROTTLED.test(text) || code === 'ETHROTTLE' || error.serverResponseCode === 'UNAVAILABLE') return fail('IMAP_THROTTLED', phase, `${where}: the server is throttling (${text || code})`);
  if (error.authenticationFailed || error.serverResponseCode === 'AUTHENTICATIONFAILED') {
    return fail('IMAP_AUTH_FAILED', 'auth', `${where}: XOAUTH2 login refused (${error.responseText ?? 'AUTHENTICATE failed.'})`);
  }
  if (/Unsupported authentication mechanism/i.test(error.message ?? '')) {
    return fail('IMAP_PROTOCOL', 'auth', `${where}: the server does not offer XOAUTH2 (its capabilities: ${session.lastServerLine ?? 'unreadable'}); not Exchange Online IMAP?`);
  }
  if (code === 'NotFound') return fail('IMAP_FOLDER_NOT_FOUND', 'folder', `${where}: ${error.message ?? 'folder not found'}`);
  if (code && DNS_CODES.has(code)) return fail('IMAP_DNS', 'connect', `${where}: host not found (${code})`);
  if (code && isTlsCode(code)) return fail('IMAP_TLS', 'connect', `${where}: TLS failed (${code}: ${tlsReason(error.message)})`);
  if (code && TIMEOUT_CODES.has(code)) return fail('IMAP_TIMEOUT', phase, `${where}: no answer in time during ${phase} (${code})`);
  if (code && REFUSED_CODES.has(code)) {
    return phase === 'connect'
      ? fail('IMAP_CONNECT_REFUSED', 'connect', `${where}: connection refused (${code})`)
      : fail('IMAP_CONNECTION_CLOSED', phase, `${where}: connection reset during ${phase} (${code})`);
  }
  if (code && CLOSED_CODES.has(code)) return fail('IMAP_CONNECTION_CLOSED', phase, `${where}: the server closed the connection during ${phase}`);
  if ((code && code.startsWith('Parser')) || code === 'InvalidResponse' || code === 'UnexpectedTag' || code === 'MissingTag' || error.responseStatus === 'NO' || error.responseStatus === 'BAD') {
    return fail('IMAP_PROTOCOL', phase, `${where}: unexpected response during ${phase} (${text || code})`);
  }
  if (/closed|socket hang up/i.test(text)) return fail('IMAP_CONNECTION_CLOSED', phase, `${where}: the connection closed during ${phase}`);
  throw thrown;
}
