/**
 * How the simulated Entra judges a client assertion (certificate credentials, issue 18), in the
 * order a refusal is most specific: the JWT's shape, the certificate it names (x5t / x5t#S256,
 * or its x5c chain for apps that trust by subject name and issuer), the signature, the issuer and
 * subject, the audience, the validity window. Each refusal is the AADSTS code Entra documents:
 *
 * - 50027 "Invalid JWT token", e.g. "No certificate thumbprint specified in token header"
 *   (as reported in AzureAD/microsoft-authentication-library-for-dotnet#124);
 * - 700027 the certificate is not registered on the application ("[Reason - The key was not
 *   found., Thumbprint of key used by client: '…'", AzureAD/microsoft-authentication-library-for-js#8339),
 *   its key credential has ended, or the signature does not verify;
 * - 700030 the subject of an x5c certificate is not trusted (subject-name-and-issuer trust);
 * - 700021 iss/sub are not the client id; 700023 the audience is not this tenant's token endpoint;
 * - 700024 the assertion is not within its valid time range
 *   (learn.microsoft.com, "Troubleshoot Azure SDK for Java authentication: service principal").
 *
 * The jti is required but not checked for reuse: msal-node itself sends the same assertion again
 * while it is valid (ClientAssertion.getJwt caches it for its 10 minutes), so Entra accepts repeats.
 */
import { X509Certificate, constants, createHash, verify } from 'node:crypto';
import type { SimApp } from './scenario';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Entra's leeway on nbf/exp is not documented; five minutes is the customary one. */
const SKEW_SECONDS = 300;

export interface AssertionRefusal {
  status: number;
  error: string;
  code: number;
  message: string;
}

interface Header {
  alg?: string;
  x5t?: string;
  'x5t#S256'?: string;
  x5c?: string[];
}

interface Claims {
  aud?: unknown;
  iss?: unknown;
  sub?: unknown;
  exp?: unknown;
  nbf?: unknown;
  jti?: unknown;
}

const refuse = (code: number, message: string, status = 401, error = 'invalid_client'): AssertionRefusal => ({ status, error, code, message });

function b64json<T>(part: string | undefined): T | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

interface Candidate {
  cert: X509Certificate;
  end?: Date;
}

const thumbprints = (cert: X509Certificate) => ({
  x5t: createHash('sha1').update(cert.raw).digest('base64url'),
  s256: createHash('sha256').update(cert.raw).digest('base64url'),
  hex: createHash('sha1').update(cert.raw).digest('hex').toUpperCase(),
});

/**
 * Undefined when the assertion proves the client; otherwise Entra's refusal. `tokenEndpoints` are
 * the audiences Entra accepts for this tenant (v2.0 and v1 token endpoints); `now` in seconds.
 */
export function judgeAssertion(app: SimApp, assertion: string, tokenEndpoints: string[], now: number): AssertionRefusal | undefined {
  const [h, p, sig, ...rest] = assertion.split('.');
  const header = b64json<Header>(h);
  const claims = b64json<Claims>(p);
  if (!header || !claims || !sig || rest.length > 0) return refuse(50027, 'JWT token is invalid or malformed.', 400, 'invalid_request');
  const wanted = header['x5t#S256'] ?? header.x5t;
  if (!wanted) return refuse(50027, 'Invalid JWT token. No certificate thumbprint specified in token header.', 400, 'invalid_request');
  if (header.alg !== 'RS256' && header.alg !== 'PS256') return refuse(50027, `Invalid JWT token. Unsupported algorithm '${header.alg ?? ''}'.`, 400, 'invalid_request');
  const bySha256 = header['x5t#S256'] !== undefined;
  const matches = (cert: X509Certificate) => (bySha256 ? thumbprints(cert).s256 : thumbprints(cert).x5t) === wanted;

  const registered: Candidate[] = (app.credentials?.key ?? []).filter((k) => k.certPem).map((k) => ({ cert: new X509Certificate(k.certPem!), end: k.endDateTime }));
  let found = registered.find((c) => matches(c.cert));
  // Trust by subject name and issuer: the chain travels in x5c; its leaf is the signer.
  if (!found && header.x5c?.length && app.trustedCertificateSubjects?.length) {
    let leaf: X509Certificate;
    try {
      leaf = new X509Certificate(Buffer.from(header.x5c[0]!, 'base64'));
    } catch {
      return refuse(50027, 'Invalid JWT token. The x5c certificate cannot be read.', 400, 'invalid_request');
    }
    const trusted = app.trustedCertificateSubjects.find((t) => t.subject === leaf.subject && leaf.verify(new X509Certificate(t.issuerCertPem).publicKey));
    if (!trusted) {
      return refuse(700030, `Invalid certificate - subject name in certificate isn't authorized. SubjectNames/SubjectAlternativeNames (up to 10) in token certificate are: ${leaf.subject.replace(/\n/g, ', ')}`);
    }
    if (matches(leaf)) found = { cert: leaf };
  }
  const hexOf = (value: string) => Buffer.from(value, 'base64url').toString('hex').toUpperCase();
  if (!found) {
    return refuse(700027, `The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${hexOf(wanted)}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '${app.clientId}'.]`);
  }
  if (found.end && found.end.getTime() <= now * 1000) {
    return refuse(700027, `The certificate with identifier used to sign the client assertion is expired on application. [Reason - The key used is expired., Thumbprint of key used by client: '${hexOf(wanted)}', Configured keys: [Key0:Start=${new Date(found.cert.validFrom).toISOString()}, End=${found.end.toISOString()}]]`);
  }
  const data = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(sig, 'base64url');
  const key = { key: found.cert.publicKey, ...(header.alg === 'PS256' ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST } : { padding: constants.RSA_PKCS1_PADDING }) };
  let valid = false;
  try {
    valid = verify('sha256', data, key, signature);
  } catch {
    valid = false;
  }
  if (!valid) return refuse(700027, 'Client assertion failed signature validation.');
  if (claims.iss !== app.clientId || claims.sub !== app.clientId) return refuse(700021, "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .");
  if (typeof claims.aud !== 'string' || !tokenEndpoints.includes(claims.aud)) {
    return refuse(700023, `Client assertion audience claim does not match Realm issuer. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials . Audience in assertion: '${String(claims.aud)}'.`);
  }
  if (typeof claims.jti !== 'string' || claims.jti.length === 0) return refuse(50027, 'Invalid JWT token. The jti claim is missing.', 400, 'invalid_request');
  if (typeof claims.exp !== 'number' || typeof claims.nbf !== 'number' || now < claims.nbf - SKEW_SECONDS || now > claims.exp + SKEW_SECONDS) {
    return refuse(700024, `Client assertion is not within its valid time range. Current time: ${new Date(now * 1000).toISOString()}, assertion valid from ${typeof claims.nbf === 'number' ? new Date(claims.nbf * 1000).toISOString() : '?'}, expiry time of assertion ${typeof claims.exp === 'number' ? new Date(claims.exp * 1000).toISOString() : '?'}.`);
  }
  return undefined;
}
