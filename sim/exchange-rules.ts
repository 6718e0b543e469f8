/**
 * Exchange Online's authorization decision for an app-only XOAUTH2 login, as a pure function of
 * the token and the tenant's Exchange state. Both the scripted IMAP server and the Dovecot verifier
 * call it, so the two IMAP doubles refuse exactly the same logins.
 *
 * What Exchange checks (docs/ARCHITECTURE.md, docs/SDK-docs/SDK-FACTS.md): a valid Entra token for the IMAP resource carrying
 * the `IMAP.AccessAsApp` application role; its `oid` registered with New-ServicePrincipal; that
 * object id holding FullAccess on the mailbox. One token therefore opens every mailbox granted to
 * the service principal. IMAP being disabled is NOT part of it: Exchange accepts the login and
 * fails the next command ("User is authenticated but not connected."), so the server decides that.
 */
import jwt from 'jsonwebtoken';
import { EXCHANGE_RESOURCE, type SimExchange, type SimMailbox } from './scenario';

/** Why a login was refused; stable codes so tests and the verifier's log can name the rule. */
export type ImapDenyReason =
  | 'token-invalid' // bad signature, expired, not yet valid, not a JWT
  | 'wrong-audience'
  | 'missing-role'
  | 'unknown-service-principal'
  | 'mailbox-not-found'
  | 'no-full-access';

export type ImapAuthorization =
  | { ok: true; mailbox: SimMailbox; objectId: string }
  | { ok: false; reason: ImapDenyReason; detail: string };

export interface AuthorizeImapInput {
  token: string;
  /** The SASL user: the mailbox address to open. */
  user: string;
  exchange: SimExchange;
  /** PEM of the key the simulated Entra signs tokens with (RS256). */
  publicKeyPem: string;
  resource?: string;
}

export const IMAP_APP_ROLE = 'IMAP.AccessAsApp';

function deny(reason: ImapDenyReason, detail: string): ImapAuthorization {
  return { ok: false, reason, detail };
}

export function authorizeImap({
  token,
  user,
  exchange,
  publicKeyPem,
  resource = EXCHANGE_RESOURCE,
}: AuthorizeImapInput): ImapAuthorization {
  let claims: jwt.JwtPayload;
  try {
    // Only RS256: accepting the header's algorithm would let an HS256 token signed with the public
    // key pass (the classic JWT algorithm-confusion hole). exp and nbf are checked by verify().
    const verified = jwt.verify(token, publicKeyPem, { algorithms: ['RS256'] });
    if (typeof verified === 'string') return deny('token-invalid', 'token payload is not a JSON object');
    claims = verified;
  } catch (err) {
    return deny('token-invalid', err instanceof Error ? err.message : String(err));
  }

  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.includes(resource)) return deny('wrong-audience', `aud ${String(claims.aud)} is not ${resource}`);

  const roles: unknown = claims['roles'];
  if (!Array.isArray(roles) || !roles.includes(IMAP_APP_ROLE)) {
    return deny('missing-role', `roles lack ${IMAP_APP_ROLE}`);
  }

  const objectId = typeof claims['oid'] === 'string' ? claims['oid'] : '';
  if (!exchange.servicePrincipals.some((sp) => sp.objectId === objectId)) {
    return deny('unknown-service-principal', `oid ${objectId || '(none)'} is not registered with New-ServicePrincipal`);
  }

  // SMTP addresses are case-insensitive in Exchange.
  const address = user.trim().toLowerCase();
  const mailbox = exchange.mailboxes.find((m) => m.address.toLowerCase() === address);
  if (!mailbox) return deny('mailbox-not-found', `no mailbox ${user}`);
  if (!mailbox.fullAccess.includes(objectId)) {
    return deny('no-full-access', `oid ${objectId} has no FullAccess on ${mailbox.address}`);
  }
  return { ok: true, mailbox, objectId };
}
