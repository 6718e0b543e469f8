/**
 * Access tokens as Entra issues them for the client-credentials flow to a v1 resource such as
 * Exchange Online (`https://outlook.office365.com`) or Key Vault. Exchange's and Key Vault's
 * service principals accept v1 tokens, so Entra mints v1 tokens for them even when the request
 * went to the v2.0 endpoint: `ver: "1.0"`, issuer `https://sts.windows.net/<tid>/`, the caller in
 * `appid` (v2 tokens would say `azp`). Verifiers in this simulator check the same claims the real
 * services do, so a token that passes here has the shape a real one has.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { SigningKey } from './signing-key';

/** Who the token is for and about. */
export interface TokenSubject {
  /** The resource (becomes `aud`), e.g. `https://outlook.office365.com`. */
  audience: string;
  /** Tenant the token is issued in (`tid`, and the issuer's path). */
  tenantId: string;
  /** Application (client) id of the caller (`appid`). */
  appId: string;
  /** Object id of the caller's service principal (`oid` and `sub`). */
  objectId: string;
  /** Application permissions consented for this resource; [] or undefined = no `roles` claim. */
  roles?: string[];
  appDisplayName?: string;
  /** Lifetime in seconds; default one hour. */
  lifetimeSeconds?: number;
  /** Issue time in Unix seconds; default now (tests use it to mint expired tokens). */
  now?: number;
}

/** The claims of an Entra v1 app-only access token (what the simulator issues and verifies). */
export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  app_displayname?: string;
  appid: string;
  /** 1 = the client authenticated with a secret (2 would be a certificate). */
  appidacr: string;
  idp: string;
  idtyp: 'app';
  oid: string;
  rh: string;
  roles?: string[];
  sub: string;
  tid: string;
  uti: string;
  ver: '1.0';
}

/** The issuer Entra writes into v1 tokens (and that Exchange/Key Vault expect). */
export function v1Issuer(tenantId: string): string {
  return `https://sts.windows.net/${tenantId}/`;
}

export function issueAccessToken(key: SigningKey, subject: TokenSubject): string {
  const now = subject.now ?? Math.floor(Date.now() / 1000);
  const claims: AccessTokenClaims = {
    aud: subject.audience,
    iss: v1Issuer(subject.tenantId),
    iat: now,
    nbf: now,
    exp: now + (subject.lifetimeSeconds ?? 3600),
    ...(subject.appDisplayName ? { app_displayname: subject.appDisplayName } : {}),
    appid: subject.appId,
    appidacr: '1',
    // For app-only tokens Entra names its own tenant-specific issuer as the identity provider.
    idp: v1Issuer(subject.tenantId),
    idtyp: 'app',
    oid: subject.objectId,
    // Opaque to clients in real tokens; random here so no two tokens are byte-identical.
    rh: `0.${randomBytes(48).toString('base64url')}.`,
    // Entra leaves the claim out entirely when no application permission is consented; a
    // monitor must treat a missing claim and an empty list alike.
    ...(subject.roles && subject.roles.length > 0 ? { roles: [...subject.roles] } : {}),
    sub: subject.objectId,
    tid: subject.tenantId,
    uti: randomBytes(16).toString('base64url'),
    ver: '1.0',
  };
  return jwt.sign(claims, key.privateKeyPem, {
    algorithm: 'RS256',
    // Dovecot's local JWT validation insists on `typ: "JWT"`; `kid` selects the key file.
    header: { typ: 'JWT', alg: 'RS256', kid: key.kid },
  });
}

export interface VerifyOptions {
  /** Required `aud` (exact match). */
  audience?: string;
  /** Required `iss`. */
  issuer?: string;
}

/**
 * Checks signature (RS256 only: an `alg: none` or HS256 token with the public key as secret is
 * refused), `exp` and `nbf`, and optionally `aud`/`iss`; returns the claims or throws
 * jsonwebtoken's error (`TokenExpiredError`, `JsonWebTokenError`, `NotBeforeError`).
 */
export function verifyAccessToken(token: string, publicKeyPem: string, options: VerifyOptions = {}): AccessTokenClaims {
  const verifyOptions: jwt.VerifyOptions = { algorithms: ['RS256'] };
  if (options.audience !== undefined) verifyOptions.audience = options.audience;
  if (options.issuer !== undefined) verifyOptions.issuer = options.issuer;
  const decoded = jwt.verify(token, publicKeyPem, verifyOptions);
  if (typeof decoded === 'string') throw new jwt.JsonWebTokenError('token payload is not a JSON object');
  return decoded as unknown as AccessTokenClaims;
}
