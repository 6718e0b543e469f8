/**
 * A simulated tenant declared as data: the Entra app registrations, the Key Vault, the Exchange
 * Online state (service principals, FullAccess grants, mailboxes) and the faults to inject.
 * The simulator's servers read this object on every request, so a test may change it while the
 * tenant runs (revoke a grant, disable a secret) without restarting anything.
 */

/** How the Entra token endpoint treats one app's client-credentials request. */
export type TokenFault =
  | 'server-error' // 503 with an AADSTS body, every time
  | 'hang' // accept the request and never answer
  | 'wrong-audience' // issue a Microsoft Graph token instead of an Exchange one
  | 'wrong-tenant' // issue a token whose tid is another tenant
  | 'invalid-scope' // answer AADSTS70011 (invalid scope)
  | 'invalid-certificate' // answer AADSTS700027
  | 'app-disabled' // the Enterprise application is disabled for sign-in: AADSTS7000112
  | 'conditional-access' // a Conditional Access policy for workload identities blocks it: AADSTS53003
  | 'no-exchange' // the tenant has no Exchange Online: AADSTS500011 for the Exchange resource
  | 'expired-token' // issue a token whose exp passed an hour ago (a stale or replayed token)
  | 'forged-token' // issue a token signed by a key Entra does not publish
  | 'assertion-clock-skew'; // judge a client assertion by a clock an hour ahead of the monitor's: AADSTS700024

export interface SimApp {
  /** Application (client) id. */
  clientId: string;
  /** Directory (tenant) id the app is registered in. */
  tenantId: string;
  displayName: string;
  /** The client secret's value; a request with any other value gets AADSTS7000215. */
  secret: string;
  /** The secret passed its endDateTime: AADSTS7000222. */
  secretExpired?: boolean;
  /** Object id of the app's Enterprise application (service principal): the token's `oid`. */
  servicePrincipalObjectId: string;
  /** Application permissions of Office 365 Exchange Online with admin consent ([] = no consent). */
  roles: string[];
  tokenFault?: TokenFault;
  /** The app registration's credentials as Microsoft Graph lists them; none when omitted. */
  credentials?: SimAppCredentials;
  /**
   * Trust by subject name and issuer (the manifest's trustedCertificateSubjects, issue 18): an
   * assertion whose x5c chain has this subject, issued by this CA certificate, is accepted
   * without its certificate being one of the key credentials.
   */
  trustedCertificateSubjects?: { subject: string; issuerCertPem: string }[];
}

/**
 * A client secret on the app registration (Graph `passwordCredential`). `hint` is the first three
 * characters of the secret value, which is how a monitor holding the value finds it among several.
 */
export interface SimPasswordCredential {
  keyId: string;
  displayName?: string;
  hint: string;
  startDateTime: Date;
  endDateTime: Date;
}

/** A certificate on the app registration (Graph `keyCredential`). */
export interface SimKeyCredential {
  keyId: string;
  displayName?: string;
  startDateTime: Date;
  endDateTime: Date;
  /** Base64 SHA-1 thumbprint (Graph `customKeyIdentifier`). */
  customKeyIdentifier: string;
  /**
   * The public certificate (PEM) Entra verifies a client assertion against (issue 18); a key
   * credential without it is listed by Graph but signs nothing in (an old fixture's stand-in).
   */
  certPem?: string;
}

export interface SimAppCredentials {
  password: SimPasswordCredential[];
  key: SimKeyCredential[];
}

/** How the simulated Microsoft Graph behaves (read per request). */
export interface SimGraph {
  /** Answer this many of the next requests with 429 and `Retry-After: retryAfterSeconds`. */
  throttleNext?: number;
  retryAfterSeconds?: number;
  /** Accept requests and never answer (a hung Graph). */
  hang?: boolean;
  /**
   * A hostile or broken Graph: the application read's 200 body is what this returns for the
   * resource Graph would have sent (a date that is not one, null, a string, a 5 MB display name).
   */
  rewriteApplication?: (resource: Record<string, unknown>) => unknown;
  /** Answer application reads with this Graph error instead (a 100 KB message, control characters). */
  applicationError?: { status: number; code: string; message: string };
  /**
   * Microsoft 365 service health (issue 20): the tenant's service issues as
   * `GET /v1.0/admin/serviceAnnouncement/issues` lists them (none when omitted). Needs ServiceHealth.Read.All.
   */
  serviceIssues?: SimServiceIssue[];
  /** Only the service health read never answers (the application reads still do). */
  serviceHealthHang?: boolean;
  /** A hostile or broken Graph: the issues read's 200 body is what this returns instead. */
  rewriteServiceIssues?: (body: Record<string, unknown>) => unknown;
}

/** A serviceHealthIssue as Graph returns it (Graph writes status and classification in PascalCase). */
export interface SimServiceIssue {
  id: string;
  title: string;
  service: string;
  status: string;
  classification: 'Incident' | 'Advisory';
  isResolved: boolean;
  startDateTime: Date;
  endDateTime?: Date;
  impactDescription?: string;
  feature?: string;
}

export interface SimVaultSecret {
  name: string;
  value: string;
  enabled?: boolean; // default true
  /** Key Vault `exp` attribute; omitted = the secret never expires. */
  expiresOn?: Date;
  /** Answer 403 to this secret (the reading identity lacks *Key Vault Secrets User*). */
  accessDenied?: boolean;
  /** `contentType` of the secret bundle: a certificate's backing secret has application/x-pem-file or application/x-pkcs12. */
  contentType?: string;
  /** A certificate's backing secret: Key Vault sets `managed: true` and `kid` (sim/certificates.ts). */
  managed?: boolean;
  /** Key Vault `nbf` attribute. */
  notBefore?: Date;
}

export interface SimFolder {
  name: string;
  /** One entry per message, oldest first. */
  messages: { seen: boolean; receivedMinutesAgo: number }[];
}

/** How the Exchange-rules IMAP server misbehaves for one mailbox. */
export type ImapFault =
  | 'hang-greeting' // accept TCP+TLS, never send the greeting
  | 'hang-after-auth' // authenticate, then never answer the next command
  | 'close-after-auth' // authenticate, then drop the connection
  | 'throttle' // answer the folder command with Exchange's throttling reply
  | 'garbage'; // answer with a line that is not IMAP

export interface SimMailbox {
  address: string;
  /** Set-CASMailbox -ImapEnabled; default true. */
  imapEnabled?: boolean;
  /** Object ids (service principals) holding FullAccess on this mailbox (Add-MailboxPermission). */
  fullAccess: string[];
  folders: SimFolder[];
  fault?: ImapFault;
  /**
   * A fault on this mailbox's AUTHENTICATE for the next `times` logins (every login when
   * omitted): Exchange's `NO [UNAVAILABLE]` or throttling reply, or a refusal that echoes the
   * client's XOAUTH2 string back (as a logging proxy might), or a login answered `ms` late, or
   * refused with `text` (a hostile or broken server's words: control characters, any length).
   */
  loginFault?: { kind: 'unavailable' | 'throttle' | 'echo' | 'slow' | 'say'; times?: number; ms?: number; text?: string };
}

export interface SimExchange {
  /** Service principals registered in Exchange with New-ServicePrincipal (by object id). */
  servicePrincipals: { appId: string; objectId: string; displayName?: string }[];
  mailboxes: SimMailbox[];
}

export interface Scenario {
  /** Tenants that exist in the directory; a token request to another gets AADSTS90002. */
  tenants: string[];
  apps: SimApp[];
  vault: { secrets: SimVaultSecret[] };
  exchange: SimExchange;
  /** The identity the monitor reads Key Vault with (managed identity / service principal). */
  monitorIdentity: {
    clientId: string;
    tenantId: string;
    objectId: string;
    secret: string;
    /** Microsoft Graph application permissions consented for the monitor (Application.Read.All, Mail.Send). */
    graphRoles?: string[];
  };
  graph?: SimGraph;
}

/** The IMAP resource a token must be issued for (its `aud`). */
export const EXCHANGE_RESOURCE = 'https://outlook.office365.com';
export const GRAPH_RESOURCE = 'https://graph.microsoft.com';
export const VAULT_RESOURCE = 'https://vault.azure.net';
