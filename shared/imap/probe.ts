/**
 * The IMAP step: implicit TLS, SASL XOAUTH2 as the mailbox, STATUS of the folder and, when mail
 * is unseen, the arrival time of the oldest unseen message; then LOGOUT. With imapflow that is
 * CAPABILITY, ID, AUTHENTICATE, CAPABILITY, NAMESPACE, STATUS, LOGOUT — plus LIST, LSUB (imapflow's
 * mailboxOpen resolves the folder first), EXAMINE, SEARCH UNSEEN, FETCH only when unseen > 0.
 * COMPRESS, ENABLE and IDLE are switched off. The connection is always closed, also on failure.
 */
import type { LookupFunction } from 'node:net';
import type * as Imapflow from 'imapflow';
import type { ImapFlow } from 'imapflow';
import { CheckFailure } from '../diagnosis/check-failure';
import { classifyImapError, sessionPhase } from '../diagnosis/classify-imap';
import type { Phase } from '../contract/codes';
import type { FolderStatus } from '../contract/result';
import { ImapSession } from './imap-session';
import { sniffHttp } from './sniff-http';

/** How long the wrong-protocol question may take after the greeting timed out: a web server answers a HEAD at once. */
const SNIFF_MS = 500;
import type { TlsReuse } from './tls-reuse';

export interface ImapTarget {
  host: string;
  port: number;
  address: string;
  folder: string;
}

export interface ImapProbeOptions {
  connectMs: number;
  commandMs: number;
  signal: AbortSignal;
  /** Records a phase's duration as soon as it is known (also for the phase that failed). */
  mark: (phase: Phase, ms: number) => void;
  now?: () => number;
  /** Name resolution for the IMAP host; Node's dns.lookup when omitted. Tests resolve without DNS traffic. */
  lookup?: LookupFunction;
  /** The run's shared TLS context and sessions; a connection of its own when omitted. */
  tls?: TlsReuse;
}

export async function probeImap(target: ImapTarget, accessToken: string, options: ImapProbeOptions): Promise<FolderStatus> {
  const now = options.now ?? (() => performance.now());
  const session = new ImapSession(now);
  const where = `${target.address} at ${target.host}:${target.port}`;
  // Loaded on first use, so `validate`, `schema` and a config error never load it (issue 9).
  const { ImapFlow } = require('imapflow') as typeof Imapflow;
  const client = new ImapFlow({
    host: target.host,
    port: target.port,
    secure: true,
    auth: { user: target.address, accessToken },
    logger: session.logger() as never,
    connectionTimeout: options.connectMs,
    greetingTimeout: options.connectMs,
    socketTimeout: options.commandMs,
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
    clientInfo: { name: 'm365-mailbox-health' },
    // Merged into tls.connect(): only the resolver; verification stays on.
    ...(options.lookup ? { tls: { lookup: options.lookup } } : {}),
    ...(options.tls ? { transport: options.tls.transport() } : {}),
  });
  // imapflow also reports socket errors as events; the awaited call carries the same error.
  client.on('error', () => undefined);
  const onAbort = () => client.close();
  options.signal.addEventListener('abort', onAbort, { once: true });

  let phase: Phase = 'connect';
  let started = now();
  try {
    try {
      await client.connect();
    } finally {
      const end = now();
      const greeted = session.greetedAt ?? (session.stage === 'connecting' ? end : started);
      options.mark('connect', greeted - started);
      if (session.stage !== 'connecting') options.mark('auth', end - greeted);
    }
    phase = 'folder';
    started = now();
    const folder = await readFolder(client, target.folder, session, where);
    options.mark('folder', now() - started);
    phase = 'logout';
    started = now();
    await client.logout();
    options.mark('logout', now() - started);
    return folder;
  } catch (error) {
    if (phase === 'folder' || phase === 'logout') options.mark(phase, now() - started);
    const at = phase === 'connect' ? sessionPhase(session, 'connect') : phase;
    const failure = classifyImapError(error, session, at, where);
    // TLS up, no greeting (imapflow's ETIMEOUT): is it a web server on this port? (#11.13)
    if (failure.code === 'IMAP_TIMEOUT' && failure.phase === 'connect' && failure.detail.errorCode === 'ETIMEOUT' && !options.signal.aborted) {
      const http = await sniffHttp(target.host, target.port, SNIFF_MS, options.lookup);
      if (http) throw new CheckFailure('IMAP_PROTOCOL', 'connect', `${where}: no IMAP greeting; a web server answers on this port (${http})`, { serverResponse: http, errorCode: 'HTTP_ON_IMAP_PORT' }, { cause: error });
    }
    throw failure;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    // close() is idempotent and never throws; after LOGOUT it only releases the socket.
    client.close();
  }
}

export async function readFolder(client: ImapFlow, folder: string, session: ImapSession, where: string): Promise<FolderStatus> {
  const before = session.errorCount;
  const status = await client.status(folder, { messages: true, unseen: true });
  // imapflow answers false for a refusal it does not map; the refusal itself went to the log.
  // Only an error logged during this STATUS explains it: an earlier swallowed one (a failed ID)
  // would blame the wrong thing.
  if (!status) {
    throw session.errorSince(before) ?? new CheckFailure('IMAP_PROTOCOL', 'folder', `${where}: STATUS ${folder} failed without a reason from the server`, { serverResponse: session.lastServerLine });
  }
  const result: FolderStatus = { name: folder, messages: status.messages ?? 0, unseen: status.unseen ?? 0 };
  if (result.unseen > 0) {
    const oldest = await oldestUnseen(client, folder);
    if (oldest) result.oldestUnseenMinutes = Math.max(0, Math.floor((Date.now() - oldest.getTime()) / 60_000));
  }
  return result;
}

/** Arrival time of the first unseen message (lowest sequence number = earliest arrival). */
async function oldestUnseen(client: ImapFlow, folder: string): Promise<Date | undefined> {
  await client.mailboxOpen(folder, { readOnly: true });
  const unseen = await client.search({ seen: false });
  if (!unseen || unseen.length === 0) return undefined;
  // reduce, not Math.min(...): a backlog of 100k messages would overflow the argument list.
  const first = unseen.reduce((min, seq) => (seq < min ? seq : min), unseen[0]!);
  const message = await client.fetchOne(String(first), { internalDate: true });
  const date = message ? message.internalDate : undefined;
  return date instanceof Date ? date : typeof date === 'string' ? new Date(date) : undefined;
}
