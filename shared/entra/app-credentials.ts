/**
 * An app registration's credentials as Entra holds them — the real end dates, which the copy in
 * Key Vault may not match:
 * `GET /v1.0/applications(appId='{clientId}')?$select=id,appId,displayName,passwordCredentials,keyCredentials`.
 * Read once per app per run (single-flight), whichever mailboxes share the app.
 */
import { GraphClient, GraphError, graphErrorOf } from './graph-client';

export interface EntraSecret {
  keyId: string;
  displayName: string | null;
  /** The first three characters of the secret's value: how the one in use is recognised. */
  hint: string | null;
  start: Date | null;
  end: Date;
}

export interface EntraCertificate {
  keyId: string;
  displayName: string | null;
  /** Base64 of the certificate's SHA-1 thumbprint: how the one in use is recognised (issue 18). */
  customKeyIdentifier: string | null;
  start: Date | null;
  end: Date;
}

export interface AppCredentials {
  objectId: string;
  appId: string;
  displayName: string;
  secrets: EntraSecret[];
  certificates: EntraCertificate[];
}

/** What one read gave: the credentials, or why there are none (never thrown). */
export type AppCredentialsRead =
  | { ok: true; app: AppCredentials }
  | { ok: false; reason: 'permission' | 'not-found' | 'unavailable'; error: GraphError };

const SELECT = 'id,appId,displayName,passwordCredentials,keyCredentials';

interface GraphApplication {
  id: string;
  appId: string;
  displayName: string;
  passwordCredentials?: { keyId: string; displayName: string | null; hint: string | null; startDateTime: string | null; endDateTime: string }[];
  keyCredentials?: { keyId: string; displayName: string | null; customKeyIdentifier?: string | null; startDateTime?: string | null; endDateTime: string }[];
}

const date = (value: string | null | undefined): Date | null => (value ? new Date(value) : null);

export async function readAppCredentials(graph: GraphClient, clientId: string, signal?: AbortSignal): Promise<AppCredentialsRead> {
  const what = `reading app registration ${clientId} from Microsoft Graph`;
  try {
    const response = await graph.request('GET', `/v1.0/applications(appId='${encodeURIComponent(clientId)}')?$select=${SELECT}`, undefined, signal);
    if (response.status === 200) {
      const app = response.body as GraphApplication;
      return {
        ok: true,
        app: {
          objectId: app.id,
          appId: app.appId,
          displayName: app.displayName,
          secrets: (app.passwordCredentials ?? []).map((p) => ({ keyId: p.keyId, displayName: p.displayName, hint: p.hint, start: date(p.startDateTime), end: new Date(p.endDateTime) })),
          certificates: (app.keyCredentials ?? []).map((k) => ({ keyId: k.keyId, displayName: k.displayName, customKeyIdentifier: k.customKeyIdentifier ?? null, start: date(k.startDateTime), end: new Date(k.endDateTime) })),
        },
      };
    }
    const error = graphErrorOf(response, what);
    if (response.status === 403) return { ok: false, reason: 'permission', error };
    if (response.status === 404) return { ok: false, reason: 'not-found', error };
    return { ok: false, reason: 'unavailable', error };
  } catch (thrown) {
    const error = thrown instanceof GraphError ? thrown : new GraphError(`${what}: ${(thrown as Error).message}`, null, 'Error', { cause: thrown });
    return { ok: false, reason: 'unavailable', error };
  }
}

/** Per run: one Graph read per app, shared by every mailbox of the app and by the expiry sweep. */
export class AppCredentialsReader {
  private readonly reads = new Map<string, Promise<AppCredentialsRead>>();

  /** `signal` is the run's: one mailbox's deadline must not cut a read the others share. */
  constructor(
    readonly graph: GraphClient,
    private readonly signal?: AbortSignal,
  ) {}

  read(clientId: string): Promise<AppCredentialsRead> {
    let pending = this.reads.get(clientId);
    if (!pending) {
      pending = readAppCredentials(this.graph, clientId, this.signal);
      this.reads.set(clientId, pending);
    }
    return pending;
  }

  /** Every read started in this run, once finished (reads never reject). */
  async settled(): Promise<{ clientId: string; read: AppCredentialsRead }[]> {
    return Promise.all([...this.reads].map(async ([clientId, read]) => ({ clientId, read: await read })));
  }
}
