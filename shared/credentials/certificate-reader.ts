/**
 * A certificate credential read: from a local file (local runs), or the vault value the secret
 * reader fetched (the certificate's backing secret), parsed and checked before any token request.
 * The warm cache keeps the vault value as read, so a cached certificate is parsed and dated again
 * on every run: one that expired since is caught.
 */
import { readFile, stat } from 'node:fs/promises';
import { CheckFailure } from '../diagnosis/check-failure';
import { checkValidity, parseCertificate } from './certificate';
import { describeLocation, type ReadSecret, type SecretLocation } from './secret';

/** A PEM or PKCS#12 with its chain is a few KB; anything far larger is not one. */
const MAX_FILE_BYTES = 1024 * 1024;

export async function readCertificateFile(location: Extract<SecretLocation, { certificateFile: string }>): Promise<ReadSecret> {
  const where = describeLocation(location);
  try {
    const info = await stat(location.certificateFile);
    if (!info.isFile()) throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${where} is not a file`, { errorCode: 'NOT_A_FILE' });
    if (info.size > MAX_FILE_BYTES) throw new CheckFailure('CERTIFICATE_UNUSABLE', 'secret', `${where} is ${Math.round(info.size / 1024)} KB, not a certificate (a few KB)`, { errorCode: 'FILE_TOO_LARGE' });
    const bytes = await readFile(location.certificateFile);
    return { value: bytes.toString('latin1') };
  } catch (error) {
    if (error instanceof CheckFailure) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CheckFailure('SECRET_NOT_FOUND', 'secret', `${where} does not exist`, { errorCode: code });
    if (code === 'EACCES' || code === 'EPERM') throw new CheckFailure('SECRET_ACCESS_DENIED', 'secret', `the monitor may not read ${where} (${code})`, { errorCode: code });
    throw error;
  }
}

/** The raw value (vault or file) → private key as the value, with the certificate's facts; refused when Entra would refuse it. */
export function usableCertificate(raw: ReadSecret, location: SecretLocation): ReadSecret {
  const where = describeLocation(location);
  const parsed = parseCertificate(Buffer.from(raw.value, 'latin1'), where, raw.contentType);
  checkValidity(parsed.certificate, where);
  return {
    value: parsed.privateKeyPem,
    // The certificate's own end date; Key Vault sets the backing secret's to the same.
    expiresOn: parsed.certificate.notAfter,
    ...(raw.record ? { record: raw.record } : {}),
    ...(raw.contentType ? { contentType: raw.contentType } : {}),
    certificate: parsed.certificate,
  };
}
