/**
 * Remedies for apps that sign in with a certificate (issue 18), filled in with the app's client id,
 * vault and certificate name, and the thumbprint the monitor read. Every command is marked with
 * `az(...)` (printed-commands.ts). Key Vault's own tools do the work: `az keyvault certificate
 * create` with the default policy (an exportable RSA key: the monitor and the importing
 * application must be able to read the key), `download` for the public part, and `az ad app
 * credential reset --cert @file --append` to attach it without removing the certificate in use.
 */
import type { FailureCode, WarningCode } from '../contract/codes';
import { az } from './printed-commands';
import { sh } from './quote';
import { vaultName, type RemedyContext } from './remedy-context';

type VaultCertificate = { vaultUrl: string; name: string; certificate?: true };

export function isCertificateContext(c: RemedyContext): boolean {
  return 'certificateFile' in c.secret || ('certificate' in c.secret && c.secret.certificate === true);
}

const vaultOf = (c: RemedyContext): VaultCertificate | undefined => ('vaultUrl' in c.secret ? c.secret : undefined);

function vaultArg(vaultUrl: string): string {
  const name = vaultName(vaultUrl);
  return name.startsWith('<') ? name : sh(name);
}

/** Create (or renew: a new version under the same name) with an exportable key, download the public part, attach it to the app. */
function newCertificate(c: RemedyContext, policy: 'default' | 'same' = 'default'): string {
  const v = vaultOf(c);
  if (!v) {
    return (
      `make a certificate and its key (openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 365 -subj "/CN=${c.appName.replace(/["$`\\]/g, '')}"), ` +
      `put both in ${c.secret && 'certificateFile' in c.secret ? c.secret.certificateFile : 'the certificate file'} (cat key.pem cert.pem > <the certificate file>), then attach it to the app: ` +
      az(`az ad app credential reset --id ${sh(c.clientId)} --cert @cert.pem --append`)
    );
  }
  const va = vaultArg(v.vaultUrl);
  const name = sh(v.name);
  // The default policy is an exportable RSA 2048 key, PKCS#12, 12 months: what the monitor can sign with.
  const policyArg = policy === 'same' ? `"$(az keyvault certificate show --vault-name ${va} --name ${name} --query policy -o json)"` : '"$(az keyvault certificate get-default-policy)"';
  return (
    `${az(`az keyvault certificate create --vault-name ${va} --name ${name} -p ${policyArg}`)} && ` +
    `${az(`az keyvault certificate download --vault-name ${va} --name ${name} --file ${sh(`${v.name}.pem`)}`)} && ` +
    az(`az ad app credential reset --id ${sh(c.clientId)} --cert @${sh(`${v.name}.pem`)} --append`)
  );
}

/** The app's certificates next to the one the monitor holds, to compare thumbprints. */
function compareThumbprints(c: RemedyContext): string {
  const v = vaultOf(c);
  const ours = c.certificate
    ? `the monitor's certificate has thumbprint ${c.certificate.thumbprintSha1} (SHA-1; Entra's message may name its SHA-256 thumbprint, ${c.certificate.thumbprintSha256})`
    : v
      ? `the vault's: ${az(`az keyvault certificate show --vault-name ${vaultArg(v.vaultUrl)} --name ${sh(v.name)} --query x509ThumbprintHex -o tsv`)}`
      : 'the file\'s: openssl x509 -in <the certificate file> -noout -fingerprint -sha1';
  return `The app's certificates (customKeyIdentifier is the SHA-1 thumbprint): ${az(`az ad app credential list --id ${sh(c.clientId)} --cert --query "[].{keyId:keyId,name:displayName,thumbprint:customKeyIdentifier,ends:endDateTime}" -o table`)}; ${ours}.`;
}

const where = (c: RemedyContext): string => {
  const v = vaultOf(c);
  return v ? `certificate ${v.name} in ${v.vaultUrl}` : `certificate file ${'certificateFile' in c.secret ? c.secret.certificateFile : ''}`;
};

/** The remedy for an app signing in with a certificate, or undefined when the general one applies. */
export function certificateFailureRemedy(code: FailureCode, c: RemedyContext): string | undefined {
  if (!isCertificateContext(c)) return undefined;
  const v = vaultOf(c);
  switch (code) {
    case 'TOKEN_INVALID_CERTIFICATE':
      if (c.aadsts === 700030) {
        return (
          `App ${c.clientId} trusts certificates by subject name and issuer, and Entra does not trust the subject ${c.certificate?.subject ?? 'of the certificate'} (AADSTS700030). ` +
          `Add that subject and its issuer to the app's trustedCertificateSubjects (Entra admin center > App registrations > ${c.clientId} > Manifest), or attach the certificate itself: ${newCertificateAttachOnly(c)}`
        );
      }
      return (
        `Entra refused the assertion signed with the ${where(c)} (AADSTS${c.aadsts ?? 700027}): that certificate is not on app ${c.clientId}, or its key credential there has ended. ${compareThumbprints(c)} ` +
        `Attach the certificate the monitor and the importing application use: ${newCertificateAttachOnly(c)}` +
        // Without the chain, Entra can only look the thumbprint up among the uploaded certificates.
        ('sendX5c' in c.secret && c.secret.sendX5c ? '' : `. If app ${c.clientId} trusts certificates by subject name and issuer instead of uploaded ones, set "sendX5c": true in the credential of app ${c.appId}: Entra needs the chain (x5c) for that.`)
      );
    case 'TOKEN_ASSERTION_OUT_OF_TIME':
      return (
        `Entra found the assertion outside its validity (AADSTS700024). MSAL dates it from this machine's clock (valid from now for 10 minutes), so the monitor's clock is off: ` +
        `compare date -u with an NTP source (timedatectl status; on Windows w32tm /query /status) and turn time synchronisation on. Azure Functions hosts keep their clocks synchronised.`
      );
    case 'TOKEN_ASSERTION_INVALID':
      return (
        `Entra refused the assertion's claims (AADSTS${c.aadsts ?? ''}): its audience is the token endpoint ${c.authorityHost}/${c.tenantId}/oauth2/v2.0/token and its issuer and subject are the client id ${c.clientId}. ` +
        `Check cloud.authorityHost (it must be the cloud's Entra host, e.g. https://login.microsoftonline.com, not a proxy's name) and the tenantId and clientId of app ${c.appId}.`
      );
    case 'CERTIFICATE_EXPIRED':
      return `The ${where(c)} has expired${c.certificate ? ` (thumbprint ${c.certificate.thumbprintSha1})` : ''}: Entra refuses it. Renew it and attach the new one: ${newCertificate(c, v ? 'same' : 'default')}`;
    case 'CERTIFICATE_NOT_YET_VALID':
      return `The ${where(c)} is not valid yet: Entra refuses it until its start date. Check this machine's clock (date -u); if the clock is right, the certificate was issued for a later start: keep the previous one in use until then.`;
    case 'CERTIFICATE_NO_PRIVATE_KEY':
      return v
        ? `The ${where(c)} was created with a non-exportable key: Key Vault serves its backing secret without the private key, so neither the monitor nor the importing application can sign with it (exportability cannot be changed later). ` +
            `Create one with an exportable key (the default policy is exportable), attach it, and keep credential.keyVaultCertificate pointing at it: ${newCertificate(c)}`
        : `The ${where(c)} holds no private key. Put the key and the certificate into it, one after the other (cat key.pem cert.pem > <the certificate file>); the key must be the unencrypted PEM (BEGIN PRIVATE KEY).`;
    case 'CERTIFICATE_PASSWORD_PROTECTED':
      return v
        ? `The value under ${v.name} is a password-protected PKCS#12, not a certificate Key Vault serves (it serves its certificates without a password). Import the file as a Key Vault certificate: ${az(`az keyvault certificate import --vault-name ${vaultArg(v.vaultUrl)} --name ${sh(v.name)} --file <the .pfx file> --password <its password>`)}`
        : `The ${where(c)} is protected by a password. Write it out without one (openssl pkcs12 -in <the .pfx file> -nodes -out <the certificate file>, which asks for the password), and keep the file readable only by the monitor.`;
    case 'CERTIFICATE_UNUSABLE':
      if (c.errorCode === 'KEY_NOT_RSA') return `The ${where(c)} has a key that is not RSA; client assertions are signed with RSA. Create an RSA certificate: ${newCertificate(c)}`;
      return `The ${where(c)} is not a certificate with its private key (${c.errorCode ?? 'unreadable'}). ${v ? `Check credential.keyVaultCertificate of app ${c.appId} names a Key Vault certificate (${az(`az keyvault certificate list --vault-name ${vaultArg(v.vaultUrl)} --query "[].name" -o tsv`)}), or create one: ` : 'Write a PEM with the certificate and its unencrypted key, or '}${newCertificate(c)}`;
    case 'SECRET_NOT_FOUND':
      return v
        ? `The vault has no certificate ${v.name}. Check credential.keyVaultCertificate of app ${c.appId} (${az(`az keyvault certificate list --vault-name ${vaultArg(v.vaultUrl)} --query "[].name" -o tsv`)}), or create one and attach it: ${newCertificate(c)}`
        : `The ${where(c)} does not exist on this machine. Fix credential.certificateFile of app ${c.appId}, or ${newCertificate(c)}`;
    case 'SECRET_DISABLED':
      if (!v) return `The ${where(c)} could not be read: check credential.certificateFile of app ${c.appId}.`;
      return `The ${where(c)} is disabled: ${az(`az keyvault certificate set-attributes --vault-name ${vaultArg(v.vaultUrl)} --name ${sh(v.name)} --enabled true`)}`;
    case 'SECRET_ACCESS_DENIED':
      // A vault certificate is read through its backing secret: the general remedy (Key Vault Secrets User on /secrets/<name>) is right.
      return v ? undefined : `The monitor's user may not read the ${where(c)}: make it readable by that user only (chmod 600, owned by the user the monitor runs as).`;
    default:
      // A certificate file is read locally: the vault's failures cannot be its own.
      if (!v && code.startsWith('SECRET_')) return `The ${where(c)} could not be read (${code}): check credential.certificateFile of app ${c.appId} and that the monitor's user can read it.`;
      return undefined;
  }
}

/** Attach the certificate the vault (or file) holds, without creating a new one. */
function newCertificateAttachOnly(c: RemedyContext): string {
  const v = vaultOf(c);
  if (!v) return az(`az ad app credential reset --id ${sh(c.clientId)} --cert @<the certificate part of the file, as PEM> --append`);
  return `${az(`az keyvault certificate download --vault-name ${vaultArg(v.vaultUrl)} --name ${sh(v.name)} --file ${sh(`${v.name}.pem`)}`)} && ${az(`az ad app credential reset --id ${sh(c.clientId)} --cert @${sh(`${v.name}.pem`)} --append`)}`;
}

export function certificateWarningRemedy(code: WarningCode, c: RemedyContext): string | undefined {
  if (!isCertificateContext(c)) return undefined;
  const v = vaultOf(c);
  const removeOld = c.entraInUse
    ? `. When every mailbox of app ${c.appId} checks ok with the new certificate, remove the old one from the app: ${az(`az ad app credential delete --id ${sh(c.clientId)} --key-id ${sh(c.entraInUse.keyId)} --cert`)}`
    : '';
  switch (code) {
    case 'CERTIFICATE_EXPIRING':
    case 'CREDENTIAL_EXPIRING':
      return `Renew before mail stops: ${newCertificate(c, v ? 'same' : 'default')}${removeOld}`;
    case 'CREDENTIAL_ROTATION_INCOMPLETE':
      return (
        `Finish the rotation: app ${c.clientId} already has the newer certificate (key id ${c.entraNewer?.keyId ?? '?'}, ends ${c.entraNewer?.end.slice(0, 10) ?? '?'}), but the monitor (and the application) still sign with the old one. ` +
        (v
          ? `Import the newer certificate with its key under the name the application reads: ${az(`az keyvault certificate import --vault-name ${vaultArg(v.vaultUrl)} --name ${sh(v.name)} --file <the newer certificate with its key, .pfx or .pem>`)}`
          : `Put the newer certificate and its key into the certificate file.`) +
        ` If its key was not kept: ${newCertificate(c, v ? 'same' : 'default')}`
      );
    case 'SECRET_NO_EXPIRY':
    case 'CREDENTIAL_EXPIRY_MISMATCH':
    case 'SECRET_EXPIRING':
    case 'SECRET_EXPIRED_IN_VAULT':
      // A certificate dates itself (notAfter): these secret warnings are not raised for it.
      return undefined;
    default:
      return undefined;
  }
}
