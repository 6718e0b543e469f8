import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { classifyImapError } from '../../shared/diagnosis/classify-imap';
import { classifyKeyVaultError } from '../../shared/diagnosis/classify-keyvault';
import { classifyTokenError } from '../../shared/diagnosis/classify-token';
import { ImapSession } from '../../shared/imap/imap-session';
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
  const at = (stage: ImapSession['stage']) => Object.assign(new ImapSession(), { stage });
  const where = 'm@contoso.com at outlook.office365.com:993';
  it.each([
    [{ code: 'ENOTFOUND' }, 'connecting', 'connect', 'IMAP_DNS', 'connect'],
    [{ code: 'ECONNREFUSED' }, 'connecting', 'connect', 'IMAP_CONNECT_REFUSED', 'connect'],
    [{ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' }, 'connecting', 'connect', 'IMAP_TLS', 'connect'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'connecting', 'connect', 'IMAP_TLS', 'connect'],
    [{ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, 'connecting', 'connect', 'IMAP_TLS', 'connect'],
    [{ code: 'GREETING_TIMEOUT' }, 'connecting', 'connect', 'IMAP_TIMEOUT', 'connect'],
    [{ code: 'ETIMEOUT' }, 'authenticated', 'folder', 'IMAP_TIMEOUT', 'folder'],
    [{ authenticationFailed: true, serverResponseCode: 'AUTHENTICATIONFAILED', responseText: 'AUTHENTICATE failed.' }, 'greeted', 'auth', 'IMAP_AUTH_FAILED', 'auth'],
    [{ authenticationFailed: true, response: 'User is authenticated but not connected.' }, 'authenticated', 'folder', 'IMAP_NOT_CONNECTED', 'folder'],
    [{ code: 'ClosedAfterConnectTLS' }, 'authenticated', 'folder', 'IMAP_CONNECTION_CLOSED', 'folder'],
    [{ code: 'NotFound', message: "Mailbox doesn't exist: Scans" }, 'authenticated', 'folder', 'IMAP_FOLDER_NOT_FOUND', 'folder'],
    [{ responseStatus: 'NO', responseText: 'Server Unavailable. 15' }, 'authenticated', 'folder', 'IMAP_THROTTLED', 'folder'],
    [{ code: 'ParserError3' }, 'authenticated', 'folder', 'IMAP_PROTOCOL', 'folder'],
  ] as const)('%o while %s → %s in %s', (error, stage, phase, code, expectedPhase) => {
    const failure = classifyImapError(Object.assign(new Error(String((error as { message?: string }).message ?? 'imap')), error), at(stage), phase, where);
    expect([failure.code, failure.phase]).toEqual([code, expectedPhase]);
    expect(failure.message).toContain(where);
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
