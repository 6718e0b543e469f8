/**
 * The IMAP step: implicit TLS, then on one connection
 *   AUTHENTICATE XOAUTH2 <initial response>   (SASL-IR: one round trip)
 *   STATUS "<folder>" (MESSAGES UNSEEN)
 *   LOGOUT                                    (written with the half-close, its answer not awaited)
 * and only when mail is unseen: EXAMINE (its `[UNSEEN n]` is the first unseen message), FETCH n
 * (INTERNALDATE) with LOGOUT pipelined behind it. STATUS is also where Exchange says "User is
 * authenticated but not connected." when IMAP is off for the mailbox or access is missing.
 * No CAPABILITY, ID or NAMESPACE: the greeting's capabilities are used when it has them, and
 * CAPABILITY is asked only to explain a refused AUTHENTICATE. The connection is always closed.
 */
import type { LookupFunction } from 'node:net';
import { CheckFailure } from '../diagnosis/check-failure';
import { clipText } from '../diagnosis/outside-text';
import { classifyImapError } from '../diagnosis/classify-imap';
import type { Phase } from '../contract/codes';
import type { FolderStatus } from '../contract/result';
import { ImapCommandError, ImapConnection, type Answer } from './imap-connection';
import { mailboxArgument } from './mailbox-name';
import { sniffHttp } from './sniff-http';
import { TlsReuse } from './tls-reuse';

/** How long the wrong-protocol question may take after the greeting timed out: a web server answers a HEAD at once. */
const SNIFF_MS = 500;

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
  const where = `${target.address} at ${target.host}:${target.port}`;
  const socket = (options.tls ?? new TlsReuse()).connect({ host: target.host, port: target.port, lookup: options.lookup });
  const connection = new ImapConnection(socket, { connectMs: options.connectMs, commandMs: options.commandMs });
  const onAbort = () => connection.destroy(new Error('aborted'));
  options.signal.addEventListener('abort', onAbort, { once: true });

  let phase: Phase = 'connect';
  let started = now();
  const next = (to: Phase) => {
    const at = now();
    options.mark(phase, at - started);
    phase = to;
    started = at;
  };
  try {
    await connection.waitForGreeting();
    next('auth');
    await authenticate(connection, target.address, accessToken);
    next('folder');
    const folder = await readFolder(connection, target.folder);
    next('logout');
    connection.logout();
    options.mark('logout', now() - started);
    return folder;
  } catch (error) {
    // After an abort the check's deadline explains the failure; a late mark would only blur it.
    if (!options.signal.aborted) options.mark(phase, now() - started);
    const failure = classifyImapError(error, connection, phase, where);
    // TLS up, no greeting: is it a web server on this port? (#11.13)
    if (failure.code === 'IMAP_TIMEOUT' && failure.detail.errorCode === 'GREETING_TIMEOUT' && !options.signal.aborted) {
      const http = await sniffHttp(target.host, target.port, SNIFF_MS, options.lookup);
      if (http) throw new CheckFailure('IMAP_PROTOCOL', 'connect', `${where}: no IMAP greeting; a web server answers on this port (${http})`, { serverResponse: http, errorCode: 'HTTP_ON_IMAP_PORT' }, { cause: error });
    }
    throw failure;
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    connection.destroyUnlessLoggedOut();
  }
}

/** SASL XOAUTH2 as the mailbox, with the initial response in the command when the server allows it. */
async function authenticate(connection: ImapConnection, address: string, accessToken: string): Promise<void> {
  const response = Buffer.from(`user=${address}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
  const offered = connection.capabilities;
  if (offered && !offered.has('AUTH=XOAUTH2')) throw noXoauth2(offered);
  // Without capabilities in the greeting (Exchange Online's has none) SASL-IR is assumed: Exchange
  // offers it. A server that does not is asked, below, once it has refused the short form.
  const withIr = !offered || offered.has('SASL-IR');
  let answer = await login(connection, response, withIr);
  if (answer.status === 'BAD' && !offered) {
    const asked = await connection.command('CAPABILITY', 'CAPABILITY');
    const capabilities = capabilitiesIn(asked);
    if (!capabilities.has('AUTH=XOAUTH2')) throw noXoauth2(capabilities);
    if (!capabilities.has('SASL-IR')) answer = await login(connection, response, false);
  }
  if (answer.status !== 'OK') throw new ImapCommandError('AUTHENTICATE', answer.status, answer.text);
  connection.stage = 'authenticated';
}

function login(connection: ImapConnection, response: string, withIr: boolean): Promise<Answer> {
  // A `+` after the initial response carries the server's error (RFC 7628); an empty line ends
  // the exchange so the server sends its tagged NO.
  return withIr
    ? connection.command(`AUTHENTICATE XOAUTH2 ${response}`, 'AUTHENTICATE', () => '')
    : connection.command('AUTHENTICATE XOAUTH2', 'AUTHENTICATE', (count) => (count === 0 ? response : ''));
}

function capabilitiesIn(answer: Answer): Set<string> {
  const line = answer.untagged.find((u) => /^\* CAPABILITY /i.test(u)) ?? '';
  return new Set(line.slice('* CAPABILITY '.length).toUpperCase().split(/\s+/).filter(Boolean));
}

function noXoauth2(capabilities: Set<string>): CheckFailure {
  const list = clipText([...capabilities].join(' '), 200) || 'none announced';
  return new CheckFailure('IMAP_PROTOCOL', 'auth', `the server does not offer XOAUTH2 (its capabilities: ${list}); not Exchange Online IMAP?`, { serverResponse: list, errorCode: 'NoXoauth2' });
}

/** STATUS of the folder and, when mail is unseen, the arrival time of the oldest unseen message. */
async function readFolder(connection: ImapConnection, folder: string): Promise<FolderStatus> {
  const name = mailboxArgument(folder);
  const status = await connection.command(`STATUS ${name} (MESSAGES UNSEEN)`, 'STATUS');
  if (status.status !== 'OK') throw new ImapCommandError('STATUS', status.status, status.text);
  const counts = statusCounts(status.untagged);
  if (!counts) throw new ImapCommandError('STATUS', 'OK', `without the counts (${status.untagged.length} untagged responses)`);
  const result: FolderStatus = { name: folder, messages: counts.messages, unseen: counts.unseen };
  if (result.unseen > 0) {
    const oldest = await oldestUnseen(connection, name);
    if (oldest) result.oldestUnseenMinutes = Math.max(0, Math.floor((Date.now() - oldest.getTime()) / 60_000));
  }
  return result;
}

/** `* STATUS <name> (MESSAGES 2 UNSEEN 1)`: the counts, read from the last parenthesised list. */
function statusCounts(untagged: string[]): { messages: number; unseen: number } | undefined {
  for (const line of untagged) {
    if (!/^\* STATUS /i.test(line)) continue;
    const items = /\(([^()]*)\)\s*$/.exec(line)?.[1];
    const messages = items && /\bMESSAGES (\d+)/i.exec(items);
    const unseen = items && /\bUNSEEN (\d+)/i.exec(items);
    if (messages && unseen) return { messages: Number(messages[1]), unseen: Number(unseen[1]) };
  }
  return undefined;
}

/**
 * Arrival time of the first unseen message (lowest sequence number = earliest arrival): EXAMINE
 * names it in `[UNSEEN n]`; SEARCH UNSEEN is asked only when a server leaves that out.
 */
async function oldestUnseen(connection: ImapConnection, name: string): Promise<Date | undefined> {
  const examined = await connection.command(`EXAMINE ${name}`, 'EXAMINE');
  if (examined.status !== 'OK') throw new ImapCommandError('EXAMINE', examined.status, examined.text);
  let first = firstUnseen(examined.untagged);
  if (first === undefined) {
    const searched = await connection.command('SEARCH UNSEEN', 'SEARCH');
    if (searched.status !== 'OK') throw new ImapCommandError('SEARCH', searched.status, searched.text);
    first = lowestSearchHit(searched.untagged);
  }
  if (first === undefined) return undefined;
  const fetched = connection.command(`FETCH ${first} (INTERNALDATE)`, 'FETCH');
  connection.sendLogout();
  const answer = await fetched;
  if (answer.status !== 'OK') throw new ImapCommandError('FETCH', answer.status, answer.text);
  return internalDate(answer.untagged);
}

function firstUnseen(untagged: string[]): number | undefined {
  for (const line of untagged) {
    const match = /^\* OK \[UNSEEN (\d+)\]/i.exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}

function lowestSearchHit(untagged: string[]): number | undefined {
  let lowest: number | undefined;
  for (const line of untagged) {
    if (!/^\* SEARCH\b/i.test(line)) continue;
    // A loop, not Math.min(...): a backlog of 100k messages would overflow the argument list.
    for (const hit of line.slice(8).split(' ')) {
      const n = Number(hit);
      if (Number.isInteger(n) && n > 0 && (lowest === undefined || n < lowest)) lowest = n;
    }
  }
  return lowest;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** `INTERNALDATE "17-Jul-1996 02:44:25 -0700"` (RFC 3501 date-time) as a Date. */
export function internalDate(untagged: string[]): Date | undefined {
  for (const line of untagged) {
    const m = /INTERNALDATE "\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})"/i.exec(line);
    if (!m) continue;
    const month = MONTHS.indexOf(m[2]!.toUpperCase());
    if (month < 0) return undefined;
    const offsetMinutes = (m[7] === '-' ? -1 : 1) * (Number(m[8]) * 60 + Number(m[9]));
    return new Date(Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offsetMinutes * 60_000);
  }
  return undefined;
}
