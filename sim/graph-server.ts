/**
 * The simulated Microsoft Graph (v1.0), over HTTPS on 127.0.0.1: the two calls the monitor makes
 * with its own identity.
 *
 * - `GET /v1.0/applications(appId='{clientId}')?$select=...` — the app registration with its
 *   `passwordCredentials` (secrets: `hint` = first three characters of the value, never the value)
 *   and `keyCredentials` (certificates). Needs the application permission Application.Read.All (or
 *   Application.ReadWrite.All / Directory.Read.All): otherwise 403 `Authorization_RequestDenied`.
 * - `POST /v1.0/users/{sender}/sendMail` — needs Mail.Send; answers 202 with no body.
 * - `GET /v1.0/admin/serviceAnnouncement/issues` (issue 20) — the tenant's service health issues,
 *   with `$filter` on `service eq '…'` and `isResolved eq true|false` joined by `and` (anything else
 *   is 400, as Graph refuses an unsupported clause) and `$select`. Needs ServiceHealth.Read.All.
 *
 * Bearer tokens are verified like Graph does (signature, lifetime, `aud` = the Graph resource), and
 * error bodies have Graph's `{error:{code,message,innerError}}` shape. Throttling answers 429 with
 * `Retry-After` (seconds), as Graph does.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GRAPH_RESOURCE, type Scenario, type SimApp, type SimServiceIssue } from './scenario';
import type { SigningKey } from './signing-key';
import { verifyAccessToken, type AccessTokenClaims } from './tokens';
import { closeServer, listenLoopback, readBody, requestUrl, sendJson } from './http-util';

export interface GraphOptions {
  scenario: () => Scenario;
  key: Pick<SigningKey, 'publicKeyPem'>;
  tls: { certPem: string; keyPem: string };
}

export interface SentMail {
  sender: string;
  /** The request body as Graph received it (`{ message, saveToSentItems }`). */
  body: { message: { subject: string; body: { contentType: string; content: string }; toRecipients: { emailAddress: { address: string } }[] }; saveToSentItems?: boolean };
}

export interface GraphStats {
  /** Every request, answered or not. */
  requests: number;
  /** Application reads per appId (200, 403 and 404 alike). */
  applicationReads: Map<string, number>;
  throttled: number;
  sentMail: SentMail[];
  /** Service health reads (issue 20), answered or not; with the `$filter` each one asked for. */
  serviceIssueReads: number;
  serviceIssueFilters: string[];
}

export interface GraphServer {
  /** `https://127.0.0.1:<port>` — the Graph endpoint to configure. */
  url: string;
  port: number;
  stats: GraphStats;
  stop(): Promise<void>;
}

const READ_ROLES = ['Application.Read.All', 'Application.ReadWrite.All', 'Directory.Read.All'];
const SEND_ROLES = ['Mail.Send'];
const HEALTH_ROLES = ['ServiceHealth.Read.All'];
const ISSUES_PATH = '/v1.0/admin/serviceAnnouncement/issues';
const APPLICATION_PATH = /^\/v1\.0\/applications\(appId='([^']*)'\)$/;
const SEND_MAIL_PATH = /^\/v1\.0\/users\/([^/]+)\/sendMail$/;

function graphError(res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } } }, headers);
}

/** The application resource as Graph returns it, narrowed to `$select` when given. */
export function applicationResource(app: SimApp, objectId: string, select: string[] | null): Record<string, unknown> {
  const credentials = app.credentials ?? { password: [], key: [] };
  const full: Record<string, unknown> = {
    id: objectId,
    appId: app.clientId,
    displayName: app.displayName,
    passwordCredentials: credentials.password.map((p) => ({
      customKeyIdentifier: null,
      displayName: p.displayName ?? null,
      endDateTime: p.endDateTime.toISOString(),
      hint: p.hint,
      keyId: p.keyId,
      secretText: null,
      startDateTime: p.startDateTime.toISOString(),
    })),
    keyCredentials: credentials.key.map((k) => ({
      customKeyIdentifier: k.customKeyIdentifier,
      displayName: k.displayName ?? null,
      endDateTime: k.endDateTime.toISOString(),
      key: null,
      keyId: k.keyId,
      startDateTime: k.startDateTime.toISOString(),
      type: 'AsymmetricX509Cert',
      usage: 'Verify',
    })),
    signInAudience: 'AzureADMyOrg',
  };
  if (!select) return full;
  return Object.fromEntries(Object.entries(full).filter(([name]) => select.includes(name)));
}

/** A serviceHealthIssue as Graph writes it, narrowed to `$select` when given. */
export function issueResource(issue: SimServiceIssue, select: string[] | null): Record<string, unknown> {
  const full: Record<string, unknown> = {
    startDateTime: issue.startDateTime.toISOString(),
    endDateTime: issue.endDateTime?.toISOString() ?? null,
    lastModifiedDateTime: new Date(Math.max(issue.startDateTime.getTime(), issue.endDateTime?.getTime() ?? 0)).toISOString(),
    title: issue.title,
    id: issue.id,
    impactDescription: issue.impactDescription ?? '',
    classification: issue.classification,
    origin: 'Microsoft',
    status: issue.status,
    service: issue.service,
    feature: issue.feature ?? null,
    featureGroup: null,
    isResolved: issue.isResolved,
    details: [],
  };
  if (!select) return full;
  return Object.fromEntries(Object.entries(full).filter(([name]) => select.includes(name)));
}

/** The `$filter` clauses the monitor uses (`service eq '…'`, `isResolved eq …`, joined by `and`); null for any other. */
export function issueFilter(filter: string | null): ((issue: SimServiceIssue) => boolean) | null {
  if (!filter) return () => true;
  const tests: ((issue: SimServiceIssue) => boolean)[] = [];
  for (const clause of filter.split(/\s+and\s+/i)) {
    const service = /^service eq '((?:[^']|'')*)'$/i.exec(clause.trim());
    const resolved = /^isResolved eq (true|false)$/i.exec(clause.trim());
    if (service) tests.push((i) => i.service === service[1]!.replace(/''/g, "'"));
    else if (resolved) tests.push((i) => i.isResolved === (resolved[1]!.toLowerCase() === 'true'));
    else return null;
  }
  return (issue) => tests.every((t) => t(issue));
}

export async function startGraph(options: GraphOptions): Promise<GraphServer> {
  const stats: GraphStats = { requests: 0, applicationReads: new Map(), throttled: 0, sentMail: [], serviceIssueReads: 0, serviceIssueFilters: [] };
  let url = '';

  const server = createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) graphError(res, 500, 'generalException', 'simulator error');
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    stats.requests++;
    const scenario = options.scenario();
    const graph = scenario.graph ?? {};
    if (graph.hang) return; // never answered; stop() drops the connection
    const issuesRead = req.method === 'GET' && requestUrl(req).pathname === ISSUES_PATH;
    if (issuesRead) {
      stats.serviceIssueReads++;
      stats.serviceIssueFilters.push(requestUrl(req).searchParams.get('$filter') ?? '');
      if (graph.serviceHealthHang) return;
    }
    if ((graph.throttleNext ?? 0) > 0) {
      graph.throttleNext!--;
      stats.throttled++;
      const seconds = graph.retryAfterSeconds ?? 1;
      return graphError(res, 429, 'TooManyRequests', `Too many requests. Please retry after ${seconds} seconds.`, { 'retry-after': String(seconds) });
    }
    const caller = authenticate(req, res);
    if (!caller) return;
    const u = requestUrl(req);
    const path = decodeURIComponent(u.pathname);
    const appMatch = APPLICATION_PATH.exec(path);
    if (req.method === 'GET' && appMatch) {
      const appId = appMatch[1]!;
      stats.applicationReads.set(appId, (stats.applicationReads.get(appId) ?? 0) + 1);
      if (!hasRole(caller, READ_ROLES)) return denied(res);
      const app = scenario.apps.find((a) => a.clientId === appId && a.tenantId === caller.tid);
      if (!app) {
        return graphError(res, 404, 'Request_ResourceNotFound', `Resource '${appId}' does not exist or one of its queried reference-property objects are not present.`);
      }
      if (graph.applicationError) return graphError(res, graph.applicationError.status, graph.applicationError.code, graph.applicationError.message);
      const select = u.searchParams.get('$select');
      const body = { '@odata.context': `${url}/v1.0/$metadata#applications/$entity`, ...applicationResource(app, app.servicePrincipalObjectId, select ? select.split(',').map((s) => s.trim()) : null) };
      return sendJson(res, 200, graph.rewriteApplication ? graph.rewriteApplication(body) : body);
    }
    if (issuesRead) {
      if (!hasRole(caller, HEALTH_ROLES)) return denied(res);
      const filter = issueFilter(u.searchParams.get('$filter'));
      if (!filter) return graphError(res, 400, 'BadRequest', `Invalid filter clause: ${u.searchParams.get('$filter')}`);
      const select = u.searchParams.get('$select')?.split(',').map((s) => s.trim()) ?? null;
      const value = (graph.serviceIssues ?? []).filter(filter).map((i) => issueResource(i, select));
      const body = { '@odata.context': `${url}/v1.0/$metadata#admin/serviceAnnouncement/issues`, value };
      return sendJson(res, 200, graph.rewriteServiceIssues ? graph.rewriteServiceIssues(body) : body);
    }
    const mailMatch = SEND_MAIL_PATH.exec(path);
    if (req.method === 'POST' && mailMatch) {
      if (!hasRole(caller, SEND_ROLES)) return denied(res);
      const sender = mailMatch[1]!.toLowerCase();
      if (!scenario.exchange.mailboxes.some((m) => m.address.toLowerCase() === sender)) {
        return graphError(res, 404, 'ErrorInvalidUser', `The requested user '${mailMatch[1]}' is invalid.`);
      }
      let body: SentMail['body'];
      try {
        body = JSON.parse(await readBody(req)) as SentMail['body'];
      } catch {
        return graphError(res, 400, 'BadRequest', 'Unable to read JSON request payload.');
      }
      if (!body?.message?.subject || !Array.isArray(body.message.toRecipients) || body.message.toRecipients.length === 0) {
        return graphError(res, 400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., Recipient is missing.');
      }
      stats.sentMail.push({ sender, body });
      res.writeHead(202, { 'content-length': '0' });
      return void res.end();
    }
    graphError(res, 400, 'BadRequest', `Resource not found for the segment '${path.split('/')[2] ?? ''}'.`);
  }

  function hasRole(caller: AccessTokenClaims, roles: string[]): boolean {
    return (caller.roles ?? []).some((r) => roles.includes(r));
  }

  function denied(res: ServerResponse): void {
    graphError(res, 403, 'Authorization_RequestDenied', 'Insufficient privileges to complete the operation.');
  }

  function authenticate(req: IncomingMessage, res: ServerResponse): AccessTokenClaims | undefined {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      graphError(res, 401, 'InvalidAuthenticationToken', 'Access token is empty.');
      return undefined;
    }
    try {
      const claims = verifyAccessToken(match[1]!, options.key.publicKeyPem);
      // Graph accepts its resource URI with or without the trailing slash, as Entra issues both.
      if (claims.aud.replace(/\/+$/, '') !== GRAPH_RESOURCE) throw new Error('Invalid audience');
      return claims;
    } catch {
      graphError(res, 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');
      return undefined;
    }
  }

  const port = await listenLoopback(server);
  url = `https://127.0.0.1:${port}`;
  return { url, port, stats, stop: () => closeServer(server) };
}
