/**
 * The simulator's access tokens: shape of an Entra v1 app-only token, and a verifier that
 * refuses what a real resource refuses (wrong key, expired, not yet valid, `alg` switched).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { createSigningKey } from '../../sim/signing-key';
import { issueAccessToken, verifyAccessToken, v1Issuer } from '../../sim/tokens';
import { EXCHANGE_RESOURCE } from '../../sim/scenario';

const key = createSigningKey();
const subject = { audience: EXCHANGE_RESOURCE, tenantId: 't-1', appId: 'app-1', objectId: 'sp-1', roles: ['IMAP.AccessAsApp'] };

test('signing key: url-safe kid, PEM halves', () => {
  expect(key.kid).toMatch(/^[A-Za-z0-9_-]{27}$/);
  expect(createPrivateKey(key.privateKeyPem).asymmetricKeyType).toBe('rsa');
  expect(createPublicKey(key.publicKeyPem).asymmetricKeyType).toBe('rsa');
  expect(createSigningKey().kid).not.toBe(key.kid);
});

test('a token carries the v1 app-only claims and verifies with the public key', () => {
  const claims = verifyAccessToken(issueAccessToken(key, subject), key.publicKeyPem, { audience: EXCHANGE_RESOURCE, issuer: v1Issuer('t-1') });
  expect(claims).toMatchObject({
    aud: EXCHANGE_RESOURCE, iss: 'https://sts.windows.net/t-1/', idp: 'https://sts.windows.net/t-1/',
    appid: 'app-1', appidacr: '1', oid: 'sp-1', sub: 'sp-1', tid: 't-1', roles: ['IMAP.AccessAsApp'], idtyp: 'app', ver: '1.0',
  });
  expect(claims.nbf).toBe(claims.iat);
  expect(claims.exp - claims.iat).toBe(3600);
  expect(claims.uti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(claims.rh).toMatch(/^0\..+\.$/);
});

test('no consented roles: the roles claim is absent, not empty', () => {
  expect(verifyAccessToken(issueAccessToken(key, { ...subject, roles: [] }), key.publicKeyPem)).not.toHaveProperty('roles');
});

test('refused: another key, wrong audience, expired, not yet valid, HS256 with the public key', () => {
  const other = createSigningKey();
  expect(() => verifyAccessToken(issueAccessToken(other, subject), key.publicKeyPem)).toThrow(/invalid signature/);
  expect(() => verifyAccessToken(issueAccessToken(key, subject), key.publicKeyPem, { audience: 'https://graph.microsoft.com' })).toThrow(/audience/);
  const now = Math.floor(Date.now() / 1000);
  expect(() => verifyAccessToken(issueAccessToken(key, { ...subject, now: now - 7200 }), key.publicKeyPem)).toThrow(jwt.TokenExpiredError);
  expect(() => verifyAccessToken(issueAccessToken(key, { ...subject, now: now + 600 }), key.publicKeyPem)).toThrow(jwt.NotBeforeError);
  const forged = jwt.sign({ aud: EXCHANGE_RESOURCE }, Buffer.from(key.publicKeyPem), { algorithm: 'HS256' });
  expect(() => verifyAccessToken(forged, key.publicKeyPem)).toThrow();
});
