/**
 * A small simulated tenant for the HTTPS-side tests: one tenant, a healthy app, one app per token
 * fault, a monitor identity and a few vault secrets. Each test file starts its own servers (ports
 * are ephemeral) with certificates from the CA the test runner made trusted.
 */
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import type { Scenario, SimApp, TokenFault } from '../../sim/scenario';

export const TENANT = '11111111-1111-4111-8111-111111111111';
export const OTHER_TENANT = '22222222-2222-4222-8222-222222222222';
export const ROLE = 'IMAP.AccessAsApp';

export const MONITOR = {
  clientId: '33333333-3333-4333-8333-333333333333',
  tenantId: TENANT,
  objectId: '44444444-4444-4444-8444-444444444444',
  secret: 'monitor-secret-value',
};

let n = 0;
function guid(): string {
  n++;
  return `aaaaaaaa-0000-4000-8000-${n.toString().padStart(12, '0')}`;
}

export function app(name: string, extra: Partial<SimApp> = {}): SimApp {
  return {
    clientId: guid(),
    tenantId: TENANT,
    displayName: name,
    secret: `${name}-secret-value`,
    servicePrincipalObjectId: guid(),
    roles: [ROLE],
    ...extra,
  };
}

export function faultApp(fault: TokenFault): SimApp {
  return app(`fault-${fault}`, { tokenFault: fault });
}

export function scenario(): Scenario {
  const day = 24 * 60 * 60 * 1000;
  return {
    tenants: [TENANT, OTHER_TENANT],
    apps: [
      app('healthy'),
      app('expired', { secretExpired: true }),
      app('unconsented', { roles: [] }),
      ...(['server-error', 'hang', 'wrong-audience', 'wrong-tenant', 'invalid-scope', 'invalid-certificate'] as const).map(faultApp),
    ],
    vault: {
      secrets: [
        { name: 'healthy-secret', value: 'healthy-secret-value', expiresOn: new Date(Date.now() + 90 * day) },
        { name: 'no-expiry', value: 'v' },
        { name: 'disabled', value: 'v', enabled: false },
        { name: 'denied', value: 'v', accessDenied: true },
      ],
    },
    exchange: { servicePrincipals: [], mailboxes: [] },
    monitorIdentity: { ...MONITOR },
  };
}

export function findApp(s: Scenario, name: string): SimApp {
  const found = s.apps.find((a) => a.displayName === name);
  if (!found) throw new Error(`no app ${name}`);
  return found;
}

/** A server certificate for 127.0.0.1 from the CA this process trusts (NODE_EXTRA_CA_CERTS). */
export function serverTls(): { certPem: string; keyPem: string } {
  return issueServerCert(trustedSimCa(), ['127.0.0.1', 'localhost']);
}

/** MSAL settings that make no discovery call: the metadata is built from the sim's URL. */
export function msalAuthority(entraUrl: string, tenant = TENANT): { authority: string; knownAuthorities: string[]; authorityMetadata: string } {
  const base = `${entraUrl}/${tenant}`;
  return {
    authority: base,
    knownAuthorities: [new URL(entraUrl).host],
    authorityMetadata: JSON.stringify({
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      token_endpoint: `${base}/oauth2/v2.0/token`,
      jwks_uri: `${base}/discovery/v2.0/keys`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    }),
  };
}
