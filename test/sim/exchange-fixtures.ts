/**
 * Shared fixtures for the Exchange-rules tests (pure rules, scripted IMAP server, Dovecot): a
 * tenant with one app whose service principal holds FullAccess on some mailboxes, RS256 app-only
 * tokens shaped like Entra's, and an imapflow client configured the way a health check must be
 * (TLS verified, all three timeouts set, no logging of the token).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { ImapFlow } from 'imapflow';
import { EXCHANGE_RESOURCE, type Scenario } from '../../sim/scenario';

export interface TestKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export function makeKey(): TestKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid: randomUUID(),
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const TENANT = '11111111-1111-1111-1111-111111111111';
export const APP_ID = '22222222-2222-2222-2222-222222222222';
/** Object id of the app's Enterprise application: the token's oid, registered in Exchange. */
export const SP_OID = '33333333-3333-3333-3333-333333333333';
/** An app whose service principal was never registered with New-ServicePrincipal. */
export const OTHER_OID = '44444444-4444-4444-4444-444444444444';

/** An app-only token as Entra issues it for https://outlook.office365.com/.default. */
export function appToken(key: TestKey, claims: Record<string, unknown> = {}, expiresInSec = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    aud: EXCHANGE_RESOURCE,
    iss: `https://sts.windows.net/${TENANT}/`,
    tid: TENANT,
    appid: APP_ID,
    oid: SP_OID,
    roles: ['IMAP.AccessAsApp'],
    nbf: now - 60,
    iat: now - 60,
    exp: now + expiresInSec,
    ...claims,
  };
  return jwt.sign(payload, key.privateKeyPem, { algorithm: 'RS256', keyid: key.kid, header: { alg: 'RS256', typ: 'JWT', kid: key.kid } });
}

const minutes = (...ages: [boolean, number][]) => ages.map(([seen, receivedMinutesAgo]) => ({ seen, receivedMinutesAgo }));

/** What Exchange refuses at login, the same on the simulator and on Dovecot: [user, token]. */
export function refusedLogins(key: TestKey): (readonly [string, string])[] {
  return [
    ['invoices@contoso.com', appToken(key, { oid: OTHER_OID })], // service principal not registered
    ['legal@contoso.com', appToken(key)], // no FullAccess grant
    ['invoices@contoso.com', appToken(key, {}, -60)], // expired
    ['invoices@contoso.com', appToken(makeKey())], // signed by a key Entra does not publish
  ];
}

export function testScenario(): Scenario {
  return {
    tenants: [TENANT],
    apps: [
      {
        clientId: APP_ID,
        tenantId: TENANT,
        displayName: 'LogicalDOC import',
        secret: 'not-used-here',
        servicePrincipalObjectId: SP_OID,
        roles: ['IMAP.AccessAsApp'],
      },
    ],
    vault: { secrets: [] },
    monitorIdentity: { clientId: 'monitor', tenantId: TENANT, objectId: 'monitor-oid', secret: 'not-used-here' },
    exchange: {
      servicePrincipals: [{ appId: APP_ID, objectId: SP_OID, displayName: 'LogicalDOC import' }],
      mailboxes: [
        {
          address: 'invoices@contoso.com',
          fullAccess: [SP_OID],
          folders: [
            { name: 'INBOX', messages: minutes([true, 600], [false, 180], [false, 5]) },
            { name: 'Scans', messages: minutes([false, 30]) },
          ],
        },
        { address: 'hr@contoso.com', fullAccess: [SP_OID], folders: [{ name: 'INBOX', messages: minutes([true, 10]) }] },
        { address: 'legal@contoso.com', fullAccess: [], folders: [{ name: 'INBOX', messages: [] }] },
        { address: 'archive@contoso.com', imapEnabled: false, fullAccess: [SP_OID], folders: [{ name: 'INBOX', messages: [] }] },
      ],
    },
  };
}

/** How a health check must configure imapflow: verified TLS, short timeouts, no logger. */
export function imapClient(host: string, port: number, user: string, accessToken: string): ImapFlow {
  return new ImapFlow({
    host,
    port,
    secure: true,
    auth: { user, accessToken },
    logger: false,
    connectionTimeout: 3000,
    greetingTimeout: 2000,
    socketTimeout: 3000,
  });
}

/** The error a promise rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, unknown> & Error> {
  try {
    await promise;
  } catch (err) {
    return err as Record<string, unknown> & Error;
  }
  throw new Error('expected a rejection');
}

/** The fields a classifier reads from an imapflow error. */
export function errorFacts(err: Record<string, unknown>): Record<string, unknown> {
  const { code, responseStatus, responseText, authenticationFailed, serverResponseCode, response } = err;
  return { code, responseStatus, responseText, authenticationFailed, serverResponseCode, response };
}
