/**
 * A local certificate authority generated at run time (no private key is ever committed). The
 * simulator's HTTPS and IMAPS servers, and the test Dovecot, present certificates it issues; the
 * clients trust it through the standard NODE_EXTRA_CA_CERTS, never by switching verification off.
 */
import { constants, generateKeyPairSync, privateEncrypt, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';

export interface Ca {
  certPem: string;
  keyPem: string;
}

export interface ServerCert {
  certPem: string;
  keyPem: string;
}

/** Node's RSA key generation is native and fast; forge's pure-JS one takes seconds. */
function rsaKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.rsa.PrivateKey; keyPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  const publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  return { publicKey, privateKey: forgeKey, keyPem };
}

function serial(): string {
  // Positive 16-byte serial (leading nibble below 8 keeps the DER integer positive).
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + days * 24 * 60 * 60 * 1000);
}

/**
 * forge builds the certificate; Node's crypto makes its RSA signature (PKCS#1 v1.5 over SHA-256's
 * DigestInfo, what forge's own key.sign computes). forge's JavaScript modular exponentiation took
 * about 5 s a signature under jest on Node 22 (a minute for the certificate catalogue).
 */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');
export function nodeSigner(keyPem: string): { sign(md: forge.md.MessageDigest): string } {
  return {
    sign: (md) =>
      privateEncrypt({ key: keyPem, padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([SHA256_DIGEST_INFO, Buffer.from(md.digest().getBytes(), 'binary')])).toString('binary'),
  };
}

export function createCa(commonName = 'm365-mailbox-health simulated tenant CA'): Ca {
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 30);
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(nodeSigner(keys.keyPem) as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

/** A server certificate for the given DNS names and IP addresses, signed by the CA. */
export function issueServerCert(ca: Ca, names: string[] = ['localhost', '127.0.0.1', '::1']): ServerCert {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 7);
  cert.setSubject([{ name: 'commonName', value: names[0]! }]);
  cert.setIssuer(caCert.subject.attributes);
  const altNames = names.map((name) =>
    /^[\d.]+$/.test(name) || name.includes(':') ? { type: 7, ip: name } : { type: 2, value: name },
  );
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
  ]);
  cert.sign(nodeSigner(ca.keyPem) as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.keyPem };
}

/** File names inside a CA directory; `ca.pem` is what NODE_EXTRA_CA_CERTS points at. */
export function caPaths(dir: string): { cert: string; key: string } {
  return { cert: join(dir, 'ca.pem'), key: join(dir, 'ca-key.pem') };
}

/** The environment a child process needs to trust (NODE_EXTRA_CA_CERTS) and use the CA in `dir`. */
export function simCaEnv(dir: string): { SIM_CA_DIR: string; NODE_EXTRA_CA_CERTS: string } {
  return { SIM_CA_DIR: dir, NODE_EXTRA_CA_CERTS: caPaths(dir).cert };
}

/**
 * Reuse the CA in `dir` or create it. The key file is private to the user (0600): whoever holds
 * it can mint certificates the demo process trusts.
 */
export function loadOrCreateCa(dir: string): Ca {
  const paths = caPaths(dir);
  if (existsSync(paths.cert) && existsSync(paths.key)) {
    const ca = { certPem: readFileSync(paths.cert, 'utf8'), keyPem: readFileSync(paths.key, 'utf8') };
    const notAfter = forge.pki.certificateFromPem(ca.certPem).validity.notAfter.getTime();
    if (notAfter - Date.now() > 24 * 60 * 60 * 1000) return ca;
  }
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = createCa();
  writeFileSync(paths.key, ca.keyPem, { mode: 0o600 });
  writeFileSync(paths.cert, ca.certPem, { mode: 0o644 });
  return ca;
}

/** The CA the current process trusts through NODE_EXTRA_CA_CERTS (set by the test runner or demo). */
export function trustedSimCa(): Ca {
  const dir = process.env.SIM_CA_DIR;
  if (!dir) {
    throw new Error('SIM_CA_DIR is not set: run the tests with `npm test` (test/run-tests.js creates the CA and trusts it)');
  }
  const paths = caPaths(dir);
  return { certPem: readFileSync(paths.cert, 'utf8'), keyPem: readFileSync(paths.key, 'utf8') };
}
