/**
 * A certificate credential as Key Vault serves it (issue 18): the certificate's backing secret,
 * whose value is the certificate with its private key — PEM text (content type
 * application/x-pem-file) or a base64 PKCS#12 (application/x-pkcs12) — or the same from a local
 * file. Parsed here into what msal-node's `clientCertificate` needs: the private key as PEM, the
 * SHA-256 (and SHA-1) thumbprint of the certificate and its chain for the x5c header. Everything
 * that would make Entra refuse the assertion, or MSAL fail to build it, is a classified failure
 * before any request: no private key (a non-exportable Key Vault certificate), a password, a key
 * that is not RSA or not the certificate's.
 */
import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import type * as Forge from 'node-forge';
import { CheckFailure } from '../diagnosis/check-failure';

/** The certificate's public facts (none of them secret), and its chain as PEM for x5c. */
export interface LoadedCertificate {
  /** Hex, upper case: what the portal and `az ad app credential list --cert` show, and Graph's customKeyIdentifier (base64 of the bytes). */
  thumbprintSha1: string;
  /** Hex, lower case: what msal-node's `thumbprintSha256` takes. */
  thumbprintSha256: string;
  subject: string;
  issuer: string;
  notBefore: Date;
  notAfter: Date;
  /** The signing certificate first, then the rest of the chain, as PEM blocks (for msal-node's `x5c`). */
  chainPem: string;
}

/** The private key (PKCS#8 PEM, secret) and the certificate it belongs to. */
export interface ParsedCertificate {
  privateKeyPem: string;
  certificate: LoadedCertificate;
}

export const PEM_CONTENT_TYPE = 'application/x-pem-file';
export const PKCS12_CONTENT_TYPE = 'application/x-pkcs12';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY_BLOCK = /-----BEGIN (RSA |EC |)PRIVATE KEY-----[\s\S]+?-----END \1PRIVATE KEY-----/;
const ENCRYPTED_KEY = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/;

/**
 * `where` names the source in messages (`certificate imap-cert in https://…`). `bytes` is the
 * file's content or the vault value; `contentType` the vault's, when there is one.
 */
export function parseCertificate(bytes: Buffer, where: string, contentType?: string): ParsedCertificate {
  const text = bytes.toString('latin1');
  const looksPem = text.includes('-----BEGIN ');
  if (looksPem && contentType !== PKCS12_CONTENT_TYPE) return fromPem(text, where);
  // Key Vault hands a PKCS#12 out as base64 text; a .pfx file is binary DER.
  const der = contentType === PKCS12_CONTENT_TYPE || /^[A-Za-z0-9+/=\s]+$/.test(text) ? Buffer.from(text, 'base64') : bytes;
  return fromPkcs12(der, where);
}

function unusable(where: string, why: string, errorCode: string): CheckFailure {
  return new CheckFailure('CERTIFICATE_UNUSABLE', 'secret', `${where}: ${why}`, { errorCode });
}

function fromPem(text: string, where: string): ParsedCertificate {
  const certs = text.match(CERT_BLOCK) ?? [];
  if (ENCRYPTED_KEY.test(text)) {
    throw new CheckFailure('CERTIFICATE_PASSWORD_PROTECTED', 'secret', `${where} holds an encrypted (password-protected) private key: the monitor cannot sign with it`, { errorCode: 'ENCRYPTED_PEM' });
  }
  const keyPem = KEY_BLOCK.exec(text)?.[0];
  if (certs.length === 0) throw unusable(where, 'holds no certificate (no BEGIN CERTIFICATE block)', 'NO_CERTIFICATE');
  if (!keyPem) {
    throw new CheckFailure('CERTIFICATE_NO_PRIVATE_KEY', 'secret', `${where} holds the certificate but no private key: the monitor cannot sign an assertion with it (a Key Vault certificate whose key is not exportable is served this way)`, { errorCode: 'NO_PRIVATE_KEY' });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw unusable(where, 'its private key block cannot be read', 'KEY_UNREADABLE');
  }
  return assemble(certs, key, where);
}

function fromPkcs12(der: Buffer, where: string): ParsedCertificate {
  // Required here, not at the top: only a PKCS#12 certificate needs forge, and loading it with
  // this file put it on every CLI path (a config error's CPU went from ~240 to ~400 ms).
  const forge = require('node-forge') as typeof Forge;
  let asn1: Forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(der.toString('binary')));
  } catch {
    throw unusable(where, 'is neither PEM nor PKCS#12', 'NOT_A_CERTIFICATE');
  }
  // A PKCS#12 "without a password" is written either with no password or with the empty one
  // (the two encode differently), so both are tried before calling it password-protected.
  let p12: Forge.pkcs12.Pkcs12Pfx | undefined;
  let lastError: unknown;
  for (const password of [undefined, '']) {
    try {
      p12 = forge.pkcs12.pkcs12FromAsn1(asn1, true, password as string);
      break;
    } catch (error) {
      lastError = error;
    }
  }
  if (!p12) {
    const message = (lastError as Error)?.message ?? '';
    if (/password|MAC could not be verified|decrypt/i.test(message)) {
      throw new CheckFailure('CERTIFICATE_PASSWORD_PROTECTED', 'secret', `${where} is a password-protected PKCS#12: the monitor reads certificates without a password (Key Vault serves its certificates that way)`, { errorCode: 'PKCS12_PASSWORD' });
    }
    throw unusable(where, `is not a readable PKCS#12 (${message.slice(0, 120)})`, 'PKCS12_UNREADABLE');
  }
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag!] ?? [];
  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certs = certBags.flatMap((bag) => (bag.cert ? [forge.pki.certificateToPem(bag.cert)] : []));
  if (certs.length === 0) throw unusable(where, 'holds no certificate', 'NO_CERTIFICATE');
  const forgeKey = keyBags.find((bag) => bag.key)?.key;
  if (!forgeKey) {
    throw new CheckFailure('CERTIFICATE_NO_PRIVATE_KEY', 'secret', `${where} holds the certificate but no private key: the monitor cannot sign an assertion with it (a Key Vault certificate whose key is not exportable is served this way)`, { errorCode: 'NO_PRIVATE_KEY' });
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(forge.pki.privateKeyToPem(forgeKey));
  } catch {
    throw unusable(where, 'its private key cannot be read', 'KEY_UNREADABLE');
  }
  return assemble(certs, key, where);
}

function assemble(certPems: string[], key: KeyObject, where: string): ParsedCertificate {
  // msal-node signs with PS256 (SHA-256 thumbprint) or RS256: both need an RSA key.
  if (key.asymmetricKeyType !== 'rsa') {
    throw unusable(where, `its key is ${key.asymmetricKeyType?.toUpperCase() ?? 'of an unknown type'}, not RSA: client assertions are signed with RSA (PS256/RS256)`, 'KEY_NOT_RSA');
  }
  let parsed: X509Certificate[];
  try {
    parsed = certPems.map((pem) => new X509Certificate(pem));
  } catch {
    throw unusable(where, 'a certificate in it cannot be read', 'CERTIFICATE_UNREADABLE');
  }
  const leafIndex = parsed.findIndex((cert) => cert.checkPrivateKey(key));
  if (leafIndex < 0) throw unusable(where, 'its private key belongs to none of its certificates', 'KEY_MISMATCH');
  const leaf = parsed[leafIndex]!;
  const chain = [leaf, ...parsed.filter((_, i) => i !== leafIndex)];
  return {
    privateKeyPem: key.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificate: {
      thumbprintSha1: leaf.fingerprint.replace(/:/g, '').toUpperCase(),
      thumbprintSha256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
      subject: leaf.subject.replace(/\n/g, ', '),
      issuer: leaf.issuer.replace(/\n/g, ', '),
      notBefore: new Date(leaf.validFrom),
      notAfter: new Date(leaf.validTo),
      chainPem: chain.map((cert) => cert.toString().trim()).join('\n'),
    },
  };
}

/** Expired or not yet valid: Entra refuses an assertion signed with it (its key credential ends with the certificate). */
export function checkValidity(certificate: LoadedCertificate, where: string, now = Date.now()): void {
  if (certificate.notAfter.getTime() <= now) {
    throw new CheckFailure('CERTIFICATE_EXPIRED', 'secret', `${where} (thumbprint ${certificate.thumbprintSha1}) expired on ${certificate.notAfter.toISOString().slice(0, 10)}`, { errorCode: 'CERTIFICATE_EXPIRED' });
  }
  if (certificate.notBefore.getTime() > now) {
    throw new CheckFailure('CERTIFICATE_NOT_YET_VALID', 'secret', `${where} (thumbprint ${certificate.thumbprintSha1}) is not valid before ${certificate.notBefore.toISOString()}`, { errorCode: 'CERTIFICATE_NOT_YET_VALID' });
  }
}

/**
 * Graph's `customKeyIdentifier` of a key credential is the SHA-1 thumbprint, base64 of its 20
 * bytes (`az ad app credential reset --cert` and the portal's upload). Some tools stored the hex
 * text instead; both are accepted.
 */
export function matchesThumbprint(customKeyIdentifier: string | null | undefined, thumbprintSha1: string): boolean {
  if (!customKeyIdentifier) return false;
  const bytes = Buffer.from(customKeyIdentifier, 'base64');
  const wanted = thumbprintSha1.toUpperCase();
  return bytes.toString('hex').toUpperCase() === wanted || bytes.toString('utf8').toUpperCase() === wanted;
}
