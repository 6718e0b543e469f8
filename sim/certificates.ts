/**
 * App certificates for the simulated tenant (issue 18), generated at run time (no private key is
 * ever committed): a self-signed RSA certificate per app, and the shapes the simulator serves it
 * in — as Key Vault's backing secret of a certificate (PEM or PKCS#12, with the key when the
 * policy made it exportable, without it otherwise), and as the key credential on the app
 * registration (Graph's keyCredentials: customKeyIdentifier = base64 of the SHA-1 thumbprint).
 */
import { X509Certificate, createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { nodeSigner } from './ca';
import forge from 'node-forge';
import type { SimKeyCredential, SimVaultSecret } from './scenario';

export interface SimCertificate {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  subject: string;
  /** Hex, upper case. */
  thumbprintSha1: string;
  /** Base64url: the x5t header value. */
  x5t: string;
  /** Base64url of the SHA-256 thumbprint: the x5t#S256 header value. */
  x5tS256: string;
  notBefore: Date;
  notAfter: Date;
}

const DAY = 86_400_000;

function fromPems(certPem: string, keyPem: string): SimCertificate {
  const x509 = new X509Certificate(certPem);
  const der = x509.raw;
  return {
    certPem,
    keyPem,
    subject: x509.subject,
    thumbprintSha1: createHash('sha1').update(der).digest('hex').toUpperCase(),
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
  };
}

/** A certificate valid from `startsInDays` (negative: in the past) for `days`; RSA 2048 unless `keyType: 'ec'`. */
export function createAppCertificate(commonName: string, options: { days?: number; startsInDays?: number; keyType?: 'rsa' | 'ec'; issuer?: SimCertificate; keyPem?: string } = {}): SimCertificate {
  const keyType = options.keyType ?? 'rsa';
  // A key may be shared by several certificates (each still has its own thumbprint): RSA key
  // generation dominates a tenant's start on a loaded machine.
  const keyPem = options.keyPem ?? (keyType === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 })).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  if (keyType === 'ec') {
    // forge cannot sign EC certificates; an RSA certificate with an EC key is enough to be refused
    // before any request, which is all an EC case needs (the monitor never gets to sign).
    const rsa = createAppCertificate(commonName, { ...options, keyType: 'rsa', keyPem: undefined });
    return { ...rsa, keyPem };
  }
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  const serial = randomBytes(16);
  serial[0] = serial[0]! & 0x7f;
  cert.serialNumber = serial.toString('hex');
  const start = Date.now() + (options.startsInDays ?? -1) * DAY;
  cert.validity.notBefore = new Date(start);
  cert.validity.notAfter = new Date(start + (options.days ?? 365) * DAY);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  const issuer = options.issuer;
  cert.setIssuer(issuer ? forge.pki.certificateFromPem(issuer.certPem).subject.attributes : [{ name: 'commonName', value: commonName }]);
  const ca = commonName.startsWith('CA ');
  cert.setExtensions([{ name: 'basicConstraints', cA: ca }, { name: 'keyUsage', digitalSignature: true, keyCertSign: ca, critical: true }]);
  cert.sign(nodeSigner(issuer ? issuer.keyPem : keyPem) as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return fromPems(forge.pki.certificateToPem(cert), keyPem);
}

/** Base64 of the SHA-1 thumbprint's bytes: Graph's customKeyIdentifier. */
export function customKeyIdentifierOf(cert: SimCertificate): string {
  return Buffer.from(cert.thumbprintSha1, 'hex').toString('base64');
}

/** The certificate as a key credential on the app registration (what `az ad app credential reset --cert` adds). */
export function keyCredentialOf(cert: SimCertificate, keyId: string, displayName = cert.subject, dates: { start?: Date; end?: Date } = {}): SimKeyCredential {
  return { keyId, displayName, startDateTime: dates.start ?? cert.notBefore, endDateTime: dates.end ?? cert.notAfter, customKeyIdentifier: customKeyIdentifierOf(cert), certPem: cert.certPem };
}

export interface VaultCertificateOptions {
  format?: 'pem' | 'pkcs12';
  /** false: the policy's key is not exportable; the backing secret then holds the certificate only. */
  exportable?: boolean;
  /** A PKCS#12 protected by this password (not something Key Vault serves: a file stored as a plain secret). */
  password?: string;
}

/** The backing secret of a Key Vault certificate, as `GET /secrets/{name}` returns it. */
export function vaultCertificateSecret(name: string, cert: SimCertificate, options: VaultCertificateOptions = {}): SimVaultSecret {
  const format = options.format ?? 'pem';
  const exportable = options.exportable ?? true;
  let value: string;
  if (format === 'pem') {
    value = exportable ? `${cert.keyPem.trim()}\n${cert.certPem.trim()}\n` : `${cert.certPem.trim()}\n`;
  } else {
    const forgeCert = forge.pki.certificateFromPem(cert.certPem);
    const key = exportable ? forge.pki.privateKeyFromPem(cert.keyPem) : null;
    const p12 = forge.pkcs12.toPkcs12Asn1(key, [forgeCert], options.password ?? null, { algorithm: '3des' });
    value = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary').toString('base64');
  }
  return {
    name,
    value,
    contentType: format === 'pem' ? 'application/x-pem-file' : 'application/x-pkcs12',
    // Key Vault manages a certificate's backing secret and dates it with the certificate.
    managed: true,
    notBefore: cert.notBefore,
    expiresOn: cert.notAfter,
  };
}
