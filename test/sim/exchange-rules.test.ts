import { createHmac } from 'node:crypto';
import { authorizeImap } from '../../sim/exchange-rules';
import { GRAPH_RESOURCE } from '../../sim/scenario';
import { OTHER_OID, SP_OID, appToken, makeKey, testScenario } from './exchange-fixtures';

const key = makeKey();
const exchange = testScenario().exchange;
const check = (token: string, user = 'invoices@contoso.com') => authorizeImap({ token, user, exchange, publicKeyPem: key.publicKeyPem });

describe('authorizeImap (Exchange Online rules for app-only XOAUTH2)', () => {
  it('lets one app token open every mailbox its service principal has FullAccess on', () => {
    for (const user of ['invoices@contoso.com', 'hr@contoso.com']) {
      const result = check(appToken(key), user);
      expect(result).toMatchObject({ ok: true, objectId: SP_OID, mailbox: { address: user } });
    }
  });

  it('matches the mailbox address case-insensitively', () => {
    expect(check(appToken(key), 'Invoices@Contoso.COM')).toMatchObject({ ok: true, mailbox: { address: 'invoices@contoso.com' } });
  });

  it('does not decide on IMAP being disabled: Exchange fails the command after the login', () => {
    expect(check(appToken(key), 'archive@contoso.com')).toMatchObject({ ok: true });
  });

  it('refuses a mailbox without a FullAccess grant for the oid', () => {
    expect(check(appToken(key), 'legal@contoso.com')).toMatchObject({ ok: false, reason: 'no-full-access' });
  });

  it('refuses an unknown mailbox', () => {
    expect(check(appToken(key), 'nobody@contoso.com')).toMatchObject({ ok: false, reason: 'mailbox-not-found' });
  });

  it('refuses an oid that is not a registered service principal', () => {
    expect(check(appToken(key, { oid: OTHER_OID }))).toMatchObject({ ok: false, reason: 'unknown-service-principal' });
    expect(check(appToken(key, { oid: undefined }))).toMatchObject({ ok: false, reason: 'unknown-service-principal' });
  });

  it('refuses a token without the IMAP.AccessAsApp role (admin consent missing)', () => {
    expect(check(appToken(key, { roles: [] }))).toMatchObject({ ok: false, reason: 'missing-role' });
    expect(check(appToken(key, { roles: undefined }))).toMatchObject({ ok: false, reason: 'missing-role' });
    expect(check(appToken(key, { roles: ['full_access_as_app'] }))).toMatchObject({ ok: false, reason: 'missing-role' });
  });

  it('refuses a token for another resource (a Graph token)', () => {
    expect(check(appToken(key, { aud: GRAPH_RESOURCE }))).toMatchObject({ ok: false, reason: 'wrong-audience' });
  });

  it('refuses expired, not-yet-valid, forged and malformed tokens', () => {
    const now = Math.floor(Date.now() / 1000);
    expect(check(appToken(key, {}, -60))).toMatchObject({ ok: false, reason: 'token-invalid', detail: 'jwt expired' });
    expect(check(appToken(key, { nbf: now + 600 }))).toMatchObject({ ok: false, reason: 'token-invalid' });
    expect(check(appToken(makeKey()))).toMatchObject({ ok: false, reason: 'token-invalid', detail: 'invalid signature' });
    expect(check('not-a-jwt')).toMatchObject({ ok: false, reason: 'token-invalid' });
  });

  it('refuses an HS256 token keyed with the public key (algorithm confusion)', () => {
    // Built by hand: jsonwebtoken itself refuses to sign HS256 with an asymmetric key.
    const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const body = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ aud: 'https://outlook.office365.com', oid: SP_OID, roles: ['IMAP.AccessAsApp'], exp: Math.floor(Date.now() / 1000) + 600 })}`;
    const forged = `${body}.${createHmac('sha256', key.publicKeyPem).update(body).digest('base64url')}`;
    expect(check(forged)).toMatchObject({ ok: false, reason: 'token-invalid' });
  });
});
