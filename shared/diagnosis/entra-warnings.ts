/**
 * What the app registration in Entra says about the secret the monitor holds: which of the app's
 * secrets it is (Graph's `hint` is the value's first three characters), when that one really
 * expires, whether the vault's copy of the date agrees, and whether a rotation was started but
 * not finished. Plus the run-level warnings when Entra could not be read at all.
 */
import type { Warning } from '../contract/result';
import type { AppCredentials, AppCredentialsRead, EntraSecret } from '../entra/app-credentials';
import type { RemedyContext } from './remedy-context';
import { az } from './printed-commands';
import { warning } from './warnings';
import type { LoadedCertificate } from '../credentials/certificate';
import { entraCertificateWarnings } from './entra-certificate-warnings';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Dates typed by hand into Key Vault are rounded to the day: only a larger gap is a disagreement. */
const MISMATCH_TOLERANCE_MS = DAY_MS;

const day = (d: Date) => d.toISOString().slice(0, 10);
const name = (s: EntraSecret) => (s.displayName ? `'${s.displayName}'` : `(no name)`);

/**
 * The secret in use among the app's secrets. Several may share a hint (1 in ~250,000 for random
 * values, more for hand-made ones): then the one whose end date matches the vault's, else the one
 * that expires first, so a warning is never late.
 */
export function secretInUse(secrets: EntraSecret[], secretValue: string, vaultExpiresOn: Date | null | undefined): EntraSecret | undefined {
  const hint = secretValue.slice(0, 3);
  const matching = secrets.filter((s) => s.hint === hint);
  if (matching.length <= 1) return matching[0];
  if (vaultExpiresOn) {
    const same = matching.find((s) => Math.abs(s.end.getTime() - vaultExpiresOn.getTime()) <= MISMATCH_TOLERANCE_MS);
    if (same) return same;
  }
  return [...matching].sort((a, b) => a.end.getTime() - b.end.getTime())[0];
}

/** A secret added after the one in use that outlives it: the first half of a rotation. */
export function newerSecret(secrets: EntraSecret[], inUse: EntraSecret): EntraSecret | undefined {
  return secrets
    .filter((s) => s !== inUse && s.end.getTime() > inUse.end.getTime() && (!s.start || !inUse.start || s.start.getTime() >= inUse.start.getTime()))
    .sort((a, b) => b.end.getTime() - a.end.getTime())[0];
}

export interface EntraWarningInput {
  app: AppCredentials;
  secretValue: string;
  /** Set when the app signs in with a certificate: matched by thumbprint instead of hint (issue 18). */
  certificate?: LoadedCertificate;
  /** Key Vault's expiresOn: a Date, null (none set), undefined (env secret). */
  vaultExpiresOn: Date | null | undefined;
  thresholdDays: number;
  context: RemedyContext;
  now?: number;
}

export function entraCredentialWarnings(input: EntraWarningInput): Warning[] {
  const { app, secretValue, vaultExpiresOn, thresholdDays, context } = input;
  const now = input.now ?? Date.now();
  if (input.certificate) return entraCertificateWarnings({ app, certificate: input.certificate, thresholdDays, context, now });
  const inUse = secretInUse(app.secrets, secretValue, vaultExpiresOn);
  // No secret with this hint: the value is not one of the app's secrets (the token step says
  // which way it fails); nothing here to date.
  if (!inUse) return [];
  const newer = newerSecret(app.secrets, inUse);
  context.entraInUse = { keyId: inUse.keyId, displayName: inUse.displayName, end: inUse.end.toISOString() };
  if (newer) context.entraNewer = { keyId: newer.keyId, displayName: newer.displayName, end: newer.end.toISOString() };
  const daysLeft = Math.floor((inUse.end.getTime() - now) / DAY_MS);
  const facts = {
    credentialKeyId: inUse.keyId,
    credentialName: inUse.displayName,
    hint: inUse.hint,
    endDateTime: inUse.end.toISOString(),
    daysLeft,
    secretsOnApp: app.secrets.length,
  };
  const among = app.secrets.length > 1 ? ` (in use, 1 of ${app.secrets.length} secrets on the app)` : '';
  const warnings: Warning[] = [];
  const expiring = daysLeft < thresholdDays;
  if (expiring) {
    const when = inUse.end.getTime() <= now ? `expired on ${day(inUse.end)}` : `expires on ${day(inUse.end)}, in ${daysLeft} day(s)`;
    const newerNote = newer ? `; a newer secret ${name(newer)} valid until ${day(newer.end)} already exists` : app.secrets.length > 1 ? '; no newer secret exists yet' : '';
    warnings.push(warning('CREDENTIAL_EXPIRING', `Entra: client secret ${name(inUse)} with hint ${inUse.hint}${among} of app ${app.displayName} ${when}${newerNote}`, context, facts));
    if (newer) {
      warnings.push(
        warning('CREDENTIAL_ROTATION_INCOMPLETE', `rotation half done: app ${app.displayName} has the newer secret ${name(newer)} (until ${day(newer.end)}), but the vault still holds ${name(inUse)} (hint ${inUse.hint}, ends ${day(inUse.end)})`, context, {
          ...facts,
          newerKeyId: newer.keyId,
          newerName: newer.displayName,
          newerEndDateTime: newer.end.toISOString(),
        }),
      );
    }
  }
  if (vaultExpiresOn && Math.abs(vaultExpiresOn.getTime() - inUse.end.getTime()) > MISMATCH_TOLERANCE_MS) {
    warnings.push(
      warning('CREDENTIAL_EXPIRY_MISMATCH', `the vault says the secret expires on ${day(vaultExpiresOn)}, Entra says ${day(inUse.end)} (secret ${name(inUse)}, hint ${inUse.hint})`, context, {
        ...facts,
        vaultExpiresOn: vaultExpiresOn.toISOString(),
      }),
    );
  }
  return warnings;
}

export interface MonitorIdentityFacts {
  /** The monitor identity's object id, from its Graph token; unknown when no token came. */
  objectId?: string;
  graphUrl: string;
}

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

/** The exact grant for an app role of Microsoft Graph to the monitor's identity. */
export function grantGraphRoleCommand(role: string, identity: MonitorIdentityFacts): string {
  // The deployed monitor is a user-assigned identity (infra/app/function-app.bicep): its object id is
  // a deployment output, not something `az functionapp identity show` (system-assigned) would give.
  const oid = identity.objectId ?? "<the monitor identity's object (principal) id: the deployment output MONITOR_IDENTITY_PRINCIPAL_ID>";
  return az(
    `az rest --method POST --uri ${identity.graphUrl}/v1.0/servicePrincipals/${oid}/appRoleAssignments --headers Content-Type=application/json ` +
    `--body "{\\"principalId\\":\\"${oid}\\",\\"resourceId\\":\\"$(az ad sp show --id ${GRAPH_APP_ID} --query id -o tsv)\\",\\"appRoleId\\":\\"$(az ad sp show --id ${GRAPH_APP_ID} --query "appRoles[?value=='${role}'].id" -o tsv)\\"}"`,
  );
}

/**
 * The run-level warning when Entra could not be read: once per run, whatever the number of apps.
 * Undefined when every read succeeded.
 */
export function entraReadWarning(reads: { clientId: string; read: AppCredentialsRead }[], identity: MonitorIdentityFacts): Warning | undefined {
  const failed = reads.filter((r): r is { clientId: string; read: Extract<AppCredentialsRead, { ok: false }> } => !r.read.ok);
  if (failed.length === 0) return undefined;
  const denied = failed.filter((r) => r.read.reason === 'permission');
  if (denied.length > 0) {
    return {
      code: 'GRAPH_PERMISSION_MISSING',
      message: `the monitor's identity${identity.objectId ? ` (${identity.objectId})` : ''} may not read app registrations in Microsoft Graph (403 Authorization_RequestDenied), so client secret end dates come from Key Vault only`,
      remedy: `Grant it the Microsoft Graph application permission Application.Read.All (read-only; the grant is the consent, and assigning a Graph app role needs a Privileged Role Administrator or Global Administrator): ${grantGraphRoleCommand('Application.Read.All', identity)}`,
      apps: denied.map((r) => r.clientId),
      // Added with issue 20, whose service health read can be denied too: which app role is missing.
      permission: 'Application.Read.All',
    };
  }
  return {
    code: 'CREDENTIAL_EXPIRY_UNREAD',
    message: `Entra credential end dates could not be read for ${failed.map((r) => r.clientId).join(', ')}: ${failed[0]!.read.error.message}`,
    remedy:
      failed[0]!.read.reason === 'not-found'
        ? `No app registration with that client id in the monitor's tenant: check apps[].clientId, and that the monitor's identity is in the app's tenant.`
        : failed[0]!.read.reason === 'malformed'
          ? `Graph answered, but not with an application as documented (the message names the field): check what sits between the monitor and ${identity.graphUrl} (a proxy or gateway rewriting answers); client secret end dates come from Key Vault only meanwhile.`
          : `Check that ${identity.graphUrl} is reachable from the monitor (firewall, proxy); throttling passes by itself.`,
    apps: failed.map((r) => r.clientId),
  };
}
