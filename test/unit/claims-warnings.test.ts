import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { Redactor } from '../../shared/diagnosis/redact';
import { clipText } from '../../shared/diagnosis/outside-text';
import type { RemedyContext } from '../../shared/diagnosis/remedy-context';
import { backlogWarnings, permissionWarnings, secretWarnings } from '../../shared/diagnosis/warnings';
import { checkClaims, decodeClaims, tokenFacts } from '../../shared/token/claims';
import { authorityOptions } from '../../shared/token/authority';

const TENANT = '11111111-1111-1111-1111-111111111111';
const jwt = (claims: object) => `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2lnbmF0dXJl`;
const context: RemedyContext = {
  mailboxId: 'invoices', address: 'invoices@contoso.com', host: 'outlook.office365.com', port: 993, folder: 'INBOX', appId: 'logicaldoc',
  clientId: '22222222-2222-2222-2222-222222222222', tenantId: TENANT, appName: 'LogicalDOC', imapResource: 'https://outlook.office365.com', exchangeResource: 'https://outlook.office365.com',
  authorityHost: 'https://login.microsoftonline.com', secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: 'logicaldoc-imap-secret' },
};
const expected = { tenantId: TENANT, exchangeResource: 'https://outlook.office365.com' };
const facts = (claims: object) => tokenFacts(decodeClaims(jwt(claims)), null);

describe('token claims', () => {
  const good = { aud: 'https://outlook.office365.com', tid: TENANT, oid: 'oid-1', appid: 'app-1', roles: ['IMAP.AccessAsApp'], exp: 2_000_000_000 };
  it('reads the non-secret facts and accepts an IMAP token', () => {
    const f = facts(good);
    expect(f).toEqual({ appId: 'app-1', tenantId: TENANT, objectId: 'oid-1', roles: ['IMAP.AccessAsApp'], audience: 'https://outlook.office365.com', expiresOn: new Date(2_000_000_000_000).toISOString() });
    expect(checkClaims(f, expected)).toEqual([]);
  });
  it('accepts the v2 audience (Exchange app id) and returns excess roles', () => {
    expect(checkClaims(facts({ ...good, aud: '00000002-0000-0ff1-ce00-000000000000', roles: ['IMAP.AccessAsApp', 'full_access_as_app'] }), expected)).toEqual(['full_access_as_app']);
  });
  it.each([
    [{ ...good, roles: undefined }, 'TOKEN_MISSING_ROLE'],
    [{ ...good, roles: ['Mail.Read'] }, 'TOKEN_MISSING_ROLE'],
    [{ ...good, aud: 'https://graph.microsoft.com' }, 'TOKEN_WRONG_AUDIENCE'],
    [{ ...good, tid: '99999999-9999-9999-9999-999999999999' }, 'TOKEN_TENANT_MISMATCH'],
  ])('%o → %s', (claims, code) => {
    expect(() => checkClaims(facts(claims), expected)).toThrow(expect.objectContaining({ code }) as unknown as CheckFailure);
  });
  it('#16.4 claims from outside enter clipped: a 25 KB audience, two thousand roles', () => {
    const f = facts({ ...good, aud: `https://exchange.example/${'path '.repeat(5_000)}`, roles: Array.from({ length: 2000 }, (_, i) => `Role.${i}`) });
    expect(f.audience!.length).toBeLessThanOrEqual(301);
    expect(f.roles).toHaveLength(50);
    expect(() => checkClaims(f, expected)).toThrow(expect.objectContaining({ code: 'TOKEN_WRONG_AUDIENCE' }) as unknown as CheckFailure);
    // The twin: a real token's texts arrive whole (the first test above reads them unchanged).
    expect(facts(good).audience).toBe(good.aud);
  });
  it('refuses a token that is not a JWT', () => {
    expect(() => decodeClaims('opaque-token')).toThrow(/not a JWT/);
  });
});

describe('warnings', () => {
  const now = Date.parse('2026-11-27T00:00:00Z');
  it.each([
    [null, 'SECRET_NO_EXPIRY'],
    [new Date(now - 86_400_000), 'SECRET_EXPIRED_IN_VAULT'],
    [new Date(now + 10 * 86_400_000 + 1000), 'SECRET_EXPIRING'],
  ])('vault expiry %s → %s', (expiresOn, code) => {
    const [warning] = secretWarnings(expiresOn, 30, context, now);
    expect(warning!.code).toBe(code);
    expect(warning!.remedy).toContain(code === 'SECRET_NO_EXPIRY' ? 'set-attributes --vault-name contoso-kv --name logicaldoc-imap-secret' : `az ad app credential reset --id ${context.clientId}`);
  });
  it('says nothing for a far expiry or an env secret', () => {
    expect(secretWarnings(new Date(now + 90 * 86_400_000), 30, context, now)).toEqual([]);
    expect(secretWarnings(undefined, 30, context, now)).toEqual([]);
  });
  it('days left are counted down', () => {
    expect(secretWarnings(new Date(now + 10 * 86_400_000 + 1000), 30, context, now)[0]).toMatchObject({ daysLeft: 10 });
  });
  it('backlog past either threshold, not below', () => {
    expect(backlogWarnings({ name: 'INBOX', messages: 10, unseen: 3, oldestUnseenMinutes: 5 }, { unseen: 500, oldestMinutes: 120 }, context)).toEqual([]);
    expect(backlogWarnings({ name: 'INBOX', messages: 900, unseen: 600 }, { unseen: 500, oldestMinutes: 120 }, context)[0]).toMatchObject({ code: 'MAILBOX_BACKLOG', unseen: 600 });
    expect(backlogWarnings({ name: 'INBOX', messages: 3, unseen: 1, oldestUnseenMinutes: 300 }, { unseen: 500, oldestMinutes: 120 }, context)[0]!.message).toMatch(/oldest unseen 300 min/);
  });
  it('excess permissions name the roles to remove', () => {
    const [warning] = permissionWarnings(['full_access_as_app', 'Mail.Send'], { ...context, roles: ['IMAP.AccessAsApp', 'full_access_as_app', 'Mail.Send'] });
    expect(warning!.remedy).toMatch(/remove full_access_as_app, Mail.Send/);
  });
});

describe('redaction and authority', () => {
  it('scrubs known secrets and anything shaped like a JWT', () => {
    const redactor = new Redactor();
    redactor.add('s3cr3t-value-123');
    expect(redactor.scrub('bad s3cr3t-value-123 and eyJabcdefghij.eyJklmnopqrs.sig')).toBe('bad [redacted] and [redacted-token]');
  });
  it('#10 clipping a server text never leaves part of a long word (an echoed XOAUTH2 string) for the redactor to miss', () => {
    const xoauth2 = Buffer.from(`user=a@b.example\x01auth=Bearer ${'eyJ' + 'x'.repeat(900)}\x01\x01`).toString('base64');
    const clipped = clipText(`A1 NO AUTHENTICATE failed. (${xoauth2})`, 200);
    expect(clipped).toBe('A1 NO AUTHENTICATE failed. (…');
    // Its twin: a text within the limit is kept whole, so the redactor sees the whole value.
    expect(clipText(`A1 NO failed (${xoauth2})`, 5000)).toContain(xoauth2);
  });
  it('builds authority metadata without discovery', () => {
    const options = authorityOptions('https://login.microsoftonline.us', TENANT);
    expect(options.knownAuthorities).toEqual(['login.microsoftonline.us']);
    expect(JSON.parse(options.authorityMetadata).token_endpoint).toBe(`https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`);
  });
});
