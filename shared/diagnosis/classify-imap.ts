/**
 * What went wrong on the IMAP connection → an IMAP failure, named by the phase it happened in.
 * Three kinds of error arrive here: a command the server answered NO or BAD (ImapCommandError,
 * with the server's own text), a failure of the connection (ImapWireError, our codes), and
 * Node's socket, DNS and TLS errors (their codes). Exchange's texts: `NO AUTHENTICATE failed.`
 * for a refused login, `BAD User is authenticated but not connected.` when IMAP is off or access
 * is missing, `NO [UNAVAILABLE]` and "Request is throttled" when it wants the client to back off.
 */
import { CheckFailure } from './check-failure';
import type { Phase } from '../contract/codes';
import { DNS_CODES, REFUSED_CODES, TIMEOUT_CODES, errorCode, isTlsCode } from './network-errors';
import { ImapCommandError, type ImapStage } from '../imap/imap-connection';
import { clipText } from './outside-text';

/** What the classifier reads of the connection: how far it got and the server's last words. */
export interface ImapConnectionFacts {
  stage: ImapStage;
  lastServerLine: string | undefined;
}

const NOT_CONNECTED = /authenticated but not connected/i;
const THROTTLED = /throttl|\[UNAVAILABLE\]|server unavailable|too many (connections|requests)|\[LIMIT\]/i;
const FOLDER_MISSING = /\[NONEXISTENT\]|doesn't exist|does not exist|not found|no such (mailbox|folder)|unknown mailbox/i;
const CLOSED_CODES = new Set(['ConnectionClosed', 'ClosedBeforeGreeting']);
const PROTOCOL_CODES = new Set(['ResponseTooLong', 'NotImap', 'UnexpectedTag', 'UnexpectedContinuation']);

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

export function classifyImapError(thrown: unknown, connection: ImapConnectionFacts, phase: Phase, where: string): CheckFailure {
  if (thrown instanceof CheckFailure) return thrown;
  const last = connection.lastServerLine;
  if (thrown instanceof ImapCommandError) return commandFailure(thrown, last, phase, where);
  const code = errorCode(thrown);
  const detail = { serverResponse: last, errorCode: code };
  const fail = (failure: ConstructorParameters<typeof CheckFailure>[0], at: Phase, message: string) => new CheckFailure(failure, at, message, detail, { cause: thrown });
  const message = (thrown as Error | undefined)?.message ?? '';

  // A server that says goodbye with a reason (`* BYE ... throttled`) and closes.
  if (NOT_CONNECTED.test(last ?? '') && connection.stage === 'authenticated') return fail('IMAP_NOT_CONNECTED', 'folder', `${where}: login accepted, then "User is authenticated but not connected."`);
  if (code && CLOSED_CODES.has(code) && THROTTLED.test(last ?? '')) return fail('IMAP_THROTTLED', phase, `${where}: the server is throttling (${last})`);
  if (code && DNS_CODES.has(code)) return fail('IMAP_DNS', 'connect', `${where}: host not found (${code})`);
  if (code && isTlsCode(code)) return fail('IMAP_TLS', 'connect', `${where}: TLS failed (${code}: ${tlsReason(message)})`);
  if (code && TIMEOUT_CODES.has(code)) return fail('IMAP_TIMEOUT', phase, `${where}: no answer in time during ${phase} (${message || code})`);
  if (code && REFUSED_CODES.has(code)) {
    return phase === 'connect'
      ? fail('IMAP_CONNECT_REFUSED', 'connect', `${where}: connection refused (${code})`)
      : fail('IMAP_CONNECTION_CLOSED', phase, `${where}: connection reset during ${phase} (${code})`);
  }
  if (code && CLOSED_CODES.has(code)) return fail('IMAP_CONNECTION_CLOSED', phase, `${where}: ${message} during ${phase}`);
  if (code && PROTOCOL_CODES.has(code)) return fail('IMAP_PROTOCOL', phase, `${where}: ${message} during ${phase}`);
  if (/closed|socket hang up/i.test(message)) return fail('IMAP_CONNECTION_CLOSED', phase, `${where}: the connection closed during ${phase}`);
  throw thrown;
}

/** A NO or BAD (or an answer that is neither) to one of the check's commands. */
function commandFailure(error: ImapCommandError, last: string | undefined, phase: Phase, where: string): CheckFailure {
  const said = clipText(`${error.status} ${error.text}`.trim(), 200);
  const detail = { serverResponse: last, errorCode: error.responseCode ?? `${error.command} ${error.status}` };
  const fail = (failure: ConstructorParameters<typeof CheckFailure>[0], at: Phase, message: string) => new CheckFailure(failure, at, message, detail, { cause: error });
  if (NOT_CONNECTED.test(error.text)) return fail('IMAP_NOT_CONNECTED', 'folder', `${where}: login accepted, then "User is authenticated but not connected."`);
  if (THROTTLED.test(error.text) || error.responseCode === 'UNAVAILABLE') return fail('IMAP_THROTTLED', phase, `${where}: the server is throttling (${error.command}: ${said})`);
  const known = error.status === 'NO' || error.status === 'BAD';
  if (error.command === 'AUTHENTICATE' && (error.status === 'NO' || error.responseCode === 'AUTHENTICATIONFAILED')) {
    return fail('IMAP_AUTH_FAILED', 'auth', `${where}: XOAUTH2 login refused (${said})`);
  }
  if ((error.command === 'STATUS' || error.command === 'EXAMINE') && error.status === 'NO' && FOLDER_MISSING.test(error.text)) {
    return fail('IMAP_FOLDER_NOT_FOUND', 'folder', `${where}: ${error.command} refused: ${said}`);
  }
  if (error.status === 'BYE') return fail('IMAP_CONNECTION_CLOSED', phase, `${where}: the server said goodbye in its greeting (${said})`);
  return fail('IMAP_PROTOCOL', phase, `${where}: ${known ? '' : 'unexpected answer: '}${error.command} ${known ? 'refused' : 'answered'} (${said})`);
}
