import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { classifyImapError } from '../../shared/diagnosis/classify-imap';
import { classifyKeyVaultError } from '../../shared/diagnosis/classify-keyvault';
import { classifyTokenError } from '../../shared/diagnosis/classify-token';
import { ImapCommandError, ImapWireError, type ImapStage } from '../../shared/imap/imap-connection';
import { TokenNetworkError } from '../../shared/token/network-client';

// The shapes below are what the SDKs were seen to throw (docs/SDK-FACTS.md); the end-to-end suites prove
// the same codes through the real SDKs.
describe('Key Vault errors', () => {
  const where = 'secret s in https://kv';
  it.each([
    [{ name: 'RestError', statusCode: 404, code: 'SecretNotFound', message: 'A secret with (name/id) s was not found' }, 'SECRET_NOT_FOUND'],
    [{ name: 'RestError', statusCode: 403, code: 'Forbidden', message: 'Caller is not authorized' }, 'SECRET_ACCESS_DENIED'],
    [{ name: 'RestError', statusCode: 403, code: 'Forbidden', message: 'Operation get is not allowed on a disabled secret.' }, 'SECRET_DISABLED'],
    [{ name: 'RestError', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'SECRET_SOURCE_UNREACHABLE'],
    [{ name: 'AbortError', message: 'The operation was aborted.' }, 'SECRET_SOURCE_UNREACHABLE'],
    [{ name: 'RestError', statusCode: 503, message: 'Service Unavailable' }, 'SECRET_SOURCE_UNREACHABLE'],
    [{ name: 'CredentialUnavailableError', message: 'ManagedIdentityCredential: unavailable' }, 'SECRET_ACCESS_DENIED'],
  ])('%o → %s', (error, code) => {
    const failure = classifyKeyVaultError(Object.assign(new Error(error.message), error), where);
    expect(failure.code).toBe(code);
    expect(failure.phase).toBe('secret');
  });
  it('rethrows what it cannot explain (the engine reports it as INTERNAL)', () => {
    expect(() => classifyKeyVaultError(new TypeError('x is undefined'), where)).toThrow(TypeError);
  });
});

describe('token errors', () => {
  const serverError = (errorNo: string, errorCode = 'invalid_client') => Object.assign(new Error(`${errorCode}: AADSTS${errorNo}: something. Trace ID: abc`), { errorCode, errorNo, errorMessage: `AADSTS${errorNo}: something.\r\nTrace ID: abc`, status: 401 });
  it.each([
    ['7000215', 'TOKEN_INVALID_SECRET'],
    ['7000222', 'TOKEN_SECRET_EXPIRED'],
    ['700016', 'TOKEN_APP_NOT_FOUND'],
    ['90002', 'TOKEN_TENANT_NOT_FOUND'],
    ['1002012', 'TOKEN_INVALID_SCOPE'],
    ['70011', 'TOKEN_INVALID_SCOPE'],
    ['700027', 'TOKEN_INVALID_CERTIFICATE'],
    ['50034', 'TOKEN_REQUEST_FAILED'],
  ])('AADSTS%s → %s, keeping the number', (errorNo, code) => {
    const failure = classifyTokenError(serverError(errorNo), undefined);
    expect([failure.code, failure.phase, failure.detail.aadsts]).toEqual([code, 'token', Number(errorNo)]);
    expect(failure.message).not.toMatch(/Trace ID/);
  });
  it('network failures keep the socket code', () => {
    const wrapped = Object.assign(new Error('network_error: Network request failed'), { errorCode: 'network_error' });
    const failure = classifyTokenError(wrapped, new TokenNetworkError('login: connect ECONNREFUSED', 'ECONNREFUSED'));
    expect([failure.code, failure.kind, failure.detail.errorCode]).toEqual(['TOKEN_ENDPOINT_UNREACHABLE', 'network', 'ECONNREFUSED']);
  });
  it('a 5xx without AADSTS is the endpoint being unavailable', () => {
    expect(classifyTokenError(Object.assign(new Error('server_error'), { errorCode: 'server_error', status: 503 }), undefined).code).toBe('TOKEN_ENDPOINT_UNREACHABLE');
  });
});

describe('IMAP errors', () => {
  const at = (stage: ImapStage, lastServerLine?: string) => ({ stage, lastServerLine });
  const where = 'm@contoso.com at outlook.office365.com:993';
  const node = (code: string) => Object.assign(new Error(code), { code });
  it.each([
    [node('ENOTFOUND'), 'connecting', 'connect', 'IMAP_DNS', 'connect'],
    [node('ECONNREFUSED'), 'connecting', 'connect', 'IMAP_CONNECT_REFUSED', 'connect'],
    [node('ECONNRESET'), 'authenticated', 'folder', 'IMAP_CONNECTION_CLOSED', 'folder'],
    [node('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'connecting', 'connect', 'IMAP_TLS', 'connect'],
    [node('ERR_TLS_CERT_ALTNAME_INVALID'), 'connecting', 'connect', 'IMAP_TLS', 'connect'],
    [node('ERR_SSL_WRONG_VERSION_NUMBER'), 'connecting', 'connect', 'IMAP_TLS', 'connect'],
    [new ImapWireError('no IMAP greeting', 'GREETING_TIMEOUT'), 'connecting', 'connect', 'IMAP_TIMEOUT', 'connect'],
    [new ImapWireError('no answer to STATUS', 'ETIMEOUT'), 'authenticated', 'folder', 'IMAP_TIMEOUT', 'folder'],
    [new ImapWireError('closed', 'ClosedBeforeGreeting'), 'connecting', 'connect', 'IMAP_CONNECTION_CLOSED', 'connect'],
    [new ImapWireError('closed', 'ConnectionClosed'), 'authenticated', 'folder', 'IMAP_CONNECTION_CLOSED', 'folder'],
    [new ImapWireError('too long', 'ResponseTooLong'), 'greeted', 'auth', 'IMAP_PROTOCOL', 'auth'],
    [new ImapWireError('not an IMAP greeting', 'NotImap'), 'connecting', 'connect', 'IMAP_PROTOCOL', 'connect'],
    [new ImapCommandError('AUTHENTICATE', 'NO', 'AUTHENTICATE failed.'), 'greeted', 'auth', 'IMAP_AUTH_FAILED', 'auth'],
    [new ImapCommandError('AUTHENTICATE', 'BAD', '<html>502</html>'), 'greeted', 'auth', 'IMAP_PROTOCOL', 'auth'],
    [new ImapCommandError('STATUS', 'BAD', 'User is authenticated but not connected.'), 'authenticated', 'folder', 'IMAP_NOT_CONNECTED', 'folder'],
    [new ImapCommandError('STATUS', 'NO', "Scans doesn't exist."), 'authenticated', 'folder', 'IMAP_FOLDER_NOT_FOUND', 'folder'],
    [new ImapCommandError('STATUS', 'NO', "[NONEXISTENT] Mailbox doesn't exist: Scans"), 'authenticated', 'folder', 'IMAP_FOLDER_NOT_FOUND', 'folder'],
    [new ImapCommandError('STATUS', 'NO', 'Server Unavailable. 15'), 'authenticated', 'folder', 'IMAP_THROTTLED', 'folder'],
    [new ImapCommandError('AUTHENTICATE', 'NO', '[UNAVAILABLE] Server Unavailable. 15'), 'greeted', 'auth', 'IMAP_THROTTLED', 'auth'],
    [new ImapCommandError('STATUS', 'HTTP/1.1', '502 Bad Gateway'), 'authenticated', 'folder', 'IMAP_PROTOCOL', 'folder'],
    [new ImapCommandError('STATUS', 'NO', 'Permission denied'), 'authenticated', 'folder', 'IMAP_PROTOCOL', 'folder'],
  ] as const)('%o while %s → %s in %s', (error, stage, phase, code, expectedPhase) => {
    const failure = classifyImapError(error, at(stage), phase, where);
    expect([failure.code, failure.phase]).toEqual([code, expectedPhase]);
    expect(failure.message).toContain(where);
  });
  it('a connection closed with a throttling goodbye is IMAP_THROTTLED; its twin without one is IMAP_CONNECTION_CLOSED', () => {
    const closed = new ImapWireError('the server closed the connection', 'ConnectionClosed');
    expect(classifyImapError(closed, at('authenticated', '* BYE Request is throttled. Suggested Backoff Time: 200 milliseconds'), 'folder', where).code).toBe('IMAP_THROTTLED');
    expect(classifyImapError(closed, at('authenticated', '* BYE Microsoft Exchange Server IMAP4 server signing off.'), 'folder', where).code).toBe('IMAP_CONNECTION_CLOSED');
  });
  it('keeps a CheckFailure as it is and rethrows the unknown', () => {
    const known = new CheckFailure('IMAP_PROTOCOL', 'folder', 'x');
    expect(classifyImapError(known, at('authenticated'), 'folder', where)).toBe(known);
    expect(() => classifyImapError(new RangeError('bug'), at('authenticated'), 'folder', where)).toThrow(RangeError);
  });
});

describe('#10 typed errors instead of message prefixes', () => {
  it('#10 an unknown --mailbox is an UnknownMailboxError carrying the ids', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { planRun, UnknownMailboxError } = require('../../shared/run/plan') as typeof import('../../shared/run/plan');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { parseConfig } = require('../../shared/config/load') as typeof import('../../shared/config/load');
    const config = parseConfig({ apps: [{ id: 'a', tenantId: '11111111-1111-1111-1111-111111111111', clientId: '22222222-2222-2222-2222-222222222222', credential: { env: 'X' } }], mailboxes: [{ id: 'm', address: 'm@contoso.com', app: 'a' }] }, 'test');
    const thrown = (() => { try { planRun(config, ['nope']); } catch (e) { return e; } })();
    expect(thrown).toBeInstanceOf(UnknownMailboxError);
    expect(thrown).toMatchObject({ unknown: ['nope'], known: ['m'] });
  });
});
