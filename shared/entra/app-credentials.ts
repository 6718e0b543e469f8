/**
 * An app registration's credentials as Entra holds them — the real end dates, which the copy in
 * Key Vault may not match:
 * `GET /v1.0/applications(appId='{clientId}')?$select=id,appId,displayName,passwordCredentials,keyCredentials`.
 * Read once per app per run (single-flight), whichever mailboxes share the app.
 */
import { z } from 'zod';
import { OUTSIDE_TEXT_CHARS, outsideText } from '../diagnosis/outside-text';
import { GraphClient, GraphError, graphErrorOf, malformedAnswer } from './graph-client';

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
  | { ok: false; reason: 'permission' | 'not-found' | 'unavailable' | 'malformed'; error: GraphError };

const SELECT = 'id,appId,displayName,passwordCredentials,keyCredentials';

/**
 * Graph's answer is validated like any input: a date that is not one, a missing end date, a body
 * that is not an application are a read that failed (naming the field), never an Invalid Date that
 * turns into INTERNAL for every mailbox, nor `null` read as 1970, nor a string read as "no secrets".
 * Its texts are clipped where they enter (a 5 MB display name must not make a 20 MB report).
 */
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// ISO 8601 with a time and an offset, as Graph writes DateTimeOffset; and a real calendar date.
const ISO_DATE = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;
const guid = z.string({ error: 'must be a GUID' }).regex(GUID, 'must be a GUID');
const date = z
  .string({ error: 'must be a date (ISO 8601)' })
  .refine((v) => ISO_DATE.test(v) && !Number.isNaN(Date.parse(v)), 'must be a date (ISO 8601)')
  .transform((v) => new Date(v));
const text = (max: number) => z.string({ error: 'must be a text' }).transform((v) => outsideText(v, max));
const optionalText = (max: number) => text(max).nullish().transform((v) => v ?? null);

const graphApplication = z.object(
  {
    id: guid,
    appId: guid,
    displayName: text(OUTSIDE_TEXT_CHARS),
    passwordCredentials: z
      .array(
        z.object({
          keyId: guid,
          displayName: optionalText(OUTSIDE_TEXT_CHARS),
          // The first three characters of the value; never longer.
          hint: optionalText(8),
          startDateTime: date.nullish().transform((v) => v ?? null),
          endDateTime: date,
        }),
        { error: 'must be a list' },
      )
      .nullish(),
    keyCredentials: z
      .array(
        z.object({
          keyId: guid,
          displayName: optionalText(OUTSIDE_TEXT_CHARS),
          // The SHA-1 thumbprint, base64 (issue 18 matches the certificate in use by it).
          customKeyIdentifier: optionalText(100),
          startDateTime: date.nullish().transform((v) => v ?? null),
          endDateTime: date,
        }),
        { error: 'must be a list' },
      )
      .nullish(),
  },
  { error: 'must be an application object' },
);

/** Graph's 200 as the credentials, or the read's failure naming the field. */
export function parseApplication(body: unknown, what: string): AppCredentialsRead {
  const parsed = graphApplication.safeParse(body);
  if (!parsed.success) {
    return { ok: false, reason: 'malformed', error: malformedAnswer(parsed.error, body, what) };
  }
  const app = parsed.data;
  return {
    ok: true,
    app: {
      objectId: app.id,
      appId: app.appId,
      displayName: app.displayName,
      secrets: (app.passwordCredentials ?? []).map((p) => ({ keyId: p.keyId, displayName: p.displayName, hint: p.hint, start: p.startDateTime, end: p.endDateTime })),
      certificates: (app.keyCredentials ?? []).map((k) => ({ keyId: k.keyId, displayName: k.displayName, customKeyIdentifier: k.customKeyIdentifier, start: k.startDateTime, end: k.endDateTime })),
    },
  };
}

export async function readAppCredentials(graph: GraphClient, clientId: string, signal?: AbortSignal): Promise<AppCredentialsRead> {
  const what = `reading app registration ${clientId} from Microsoft Graph`;
  try {
    const response = await graph.request('GET', `/v1.0/applications(appId='${encodeURIComponent(clientId)}')?$select=${SELECT}`, undefined, signal);
    if (response.status === 200) return parseApplication(response.body, what);
    const error = graphErrorOf(response, what);
    if (response.status === 403) return { ok: false, reason: 'permission', error };
    if (response.status === 404) return { ok: false, reason: 'not-found', error };
    return { ok: false, reason: 'unavailable', error };
  } catch (thrown) {
    const error = thrown instanceof GraphError ? thrown : new GraphError(`${what}: ${outsideText((thrown as Error).message)}`, null, 'Error', { cause: thrown });
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
