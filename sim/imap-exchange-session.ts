/**
 * One IMAP connection to the simulated Exchange Online: login by XOAUTH2 under Exchange's rules,
 * then just enough of the mailbox commands for a health probe (STATUS, SELECT, SEARCH, FETCH).
 * The scenario is read on every command, so a test can revoke, disable or inject a fault live.
 */
import type { TLSSocket } from 'node:tls';
import { authorizeImap } from './exchange-rules';
import { EXCHANGE_IMAP as T } from './imap-exchange-texts';
import { CommandReader, astring, imapDateTime, parseCommand, parseSequenceSet, type ImapArg, type ImapCommand } from './imap-wire';
import type { Scenario, SimFolder, SimMailbox } from './scenario';

export interface SessionOptions {
  scenario: () => Scenario;
  publicKeyPem: string;
  resource?: string;
  throttleBackoffMs: number;
  serverId: string;
  /** Receives each command's name (never its arguments: they hold the token). */
  commands: string[];
  onLogin: () => void;
}

const FLAGS = '(\\Seen \\Answered \\Flagged \\Deleted \\Draft $MDNSent)';
const FOLDER_COMMANDS = new Set(['STATUS', 'SELECT', 'EXAMINE']);
const STATUS_ITEMS = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN']);

/** A stable UIDVALIDITY per folder name (any 31-bit value a client can cache). */
function uidValidity(name: string): number {
  let h = 7;
  for (const c of name.toUpperCase()) h = (h * 31 + c.charCodeAt(0)) % 2_000_000_000;
  return h + 1;
}

const str = (arg: ImapArg | undefined): string => (typeof arg === 'string' ? arg : '');

export function runExchangeSession(socket: TLSSocket, o: SessionOptions): void {
  let address: string | null = null; // the authenticated mailbox
  let selected: string | null = null;
  let continuation: ((line: string) => void) | null = null;

  const write = (line: string, then?: () => void): void => {
    if (!socket.destroyed) socket.write(`${line}\r\n`, then);
  };
  const mailbox = (): SimMailbox | undefined =>
    o.scenario().exchange.mailboxes.find((m) => m.address.toLowerCase() === address?.toLowerCase());
  const findFolder = (name: string): SimFolder | undefined => {
    const inbox = name.toUpperCase() === 'INBOX'; // RFC 9051 5.1: only INBOX is case-insensitive
    return mailbox()?.folders.find((f) => (inbox ? f.name.toUpperCase() === 'INBOX' : f.name === name));
  };

  const reader = new CommandReader(
    (text) => {
      if (continuation) {
        const next = continuation;
        continuation = null;
        return next(text);
      }
      let cmd: ImapCommand | null;
      try {
        cmd = parseCommand(text);
      } catch {
        const tag = /^\S+/.exec(text)?.[0] ?? '*';
        return write(`${tag} BAD ${T.argumentError}`);
      }
      if (!cmd) return write(`* BAD ${T.commandError}`);
      o.commands.push(cmd.name);
      try {
        handle(cmd);
      } catch {
        // A bug or an odd argument must cost this command, not the test process (a throw here
        // would surface as an uncaught exception in the socket's data handler).
        write(`${cmd.tag} BAD ${T.commandError}`);
      }
    },
    () => write('+ Ready for additional command text.'),
    () => socket.destroy(),
  );
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', () => socket.destroy()); // a client that hangs up or rejects our cert

  function login(tag: string, payload: string, delayed = false): void {
    // XOAUTH2: base64("user=" user ^A "auth=Bearer " token ^A ^A)
    const fields = Buffer.from(payload, 'base64').toString('utf8').split('\x01');
    const user = fields.find((f) => f.startsWith('user='))?.slice(5) ?? '';
    const token = /^auth=Bearer (.+)$/i.exec(fields.find((f) => /^auth=/i.test(f)) ?? '')?.[1] ?? '';
    const scenario = o.scenario();
    const target = scenario.exchange.mailboxes.find((m) => m.address.toLowerCase() === user.trim().toLowerCase());
    const loginFault = target?.loginFault;
    if (loginFault && !delayed && (loginFault.times === undefined || loginFault.times > 0)) {
      if (loginFault.times !== undefined) loginFault.times--;
      if (loginFault.kind === 'slow') return void setTimeout(() => login(tag, payload, true), loginFault.ms ?? 0);
      if (loginFault.kind === 'unavailable') return write(`${tag} NO [UNAVAILABLE] ${T.unavailable}`);
      if (loginFault.kind === 'throttle') return write(`${tag} NO ${T.throttled(o.throttleBackoffMs)}`);
      if (loginFault.kind === 'say') return write(`${tag} NO ${(loginFault.text ?? '').replace(/[\r\n]/g, ' ')}`);
      return write(`${tag} NO ${T.authFailed} (${payload})`);
    }
    const decision = token
      ? authorizeImap({ token, user, exchange: scenario.exchange, publicKeyPem: o.publicKeyPem, resource: o.resource })
      : null;
    if (!decision?.ok) return write(`${tag} NO ${T.authFailed}`);
    address = decision.mailbox.address;
    o.onLogin();
    write(`${tag} OK AUTHENTICATE completed.`, () => {
      if (decision.mailbox.fault === 'close-after-auth') socket.destroy();
    });
  }

  function authenticate(cmd: ImapCommand): void {
    if (address) return write(`${cmd.tag} BAD ${T.invalidState}`);
    const mechanism = str(cmd.args[0]).toUpperCase();
    const initial = str(cmd.args[1]);
    if (mechanism !== 'XOAUTH2') {
      // PLAIN is advertised but basic auth is off in Exchange Online: refused either way.
      if (mechanism !== 'PLAIN' || initial) return write(`${cmd.tag} NO ${T.authFailed}`);
      continuation = () => write(`${cmd.tag} NO ${T.authFailed}`);
      return write('+ ');
    }
    if (initial && initial !== '=') return login(cmd.tag, initial);
    continuation = (line) => (line === '*' ? write(`${cmd.tag} BAD ${T.authFailed}`) : login(cmd.tag, line));
    write('+ ');
  }

  function folderCommand(cmd: ImapCommand): void {
    const name = str(cmd.args[0]);
    const folder = findFolder(name);
    const fault = mailbox()?.fault;
    if (fault === 'throttle') return write(`${cmd.tag} NO ${T.throttled(o.throttleBackoffMs)}`);
    if (fault === 'garbage') return write(`${cmd.tag} ${T.garbage}`); // tagged: see T.garbage
    if (!folder) return write(`${cmd.tag} NO ${T.folderMissing(name)}`);
    const count = folder.messages.length;
    const unseen = folder.messages.filter((m) => !m.seen).length;
    if (cmd.name === 'STATUS') {
      const items = Array.isArray(cmd.args[1]) ? cmd.args[1].map((i) => str(i).toUpperCase()) : [];
      if (!items.length || items.some((i) => !STATUS_ITEMS.has(i))) return write(`${cmd.tag} BAD ${T.argumentError}`);
      const values: Record<string, number> = { MESSAGES: count, RECENT: 0, UIDNEXT: count + 1, UIDVALIDITY: uidValidity(folder.name), UNSEEN: unseen };
      write(`* STATUS ${astring(folder.name)} (${items.map((i) => `${i} ${values[i]}`).join(' ')})`);
      return write(`${cmd.tag} OK STATUS completed.`);
    }
    selected = folder.name;
    const firstUnseen = folder.messages.findIndex((m) => !m.seen);
    write(`* ${count} EXISTS`);
    write('* 0 RECENT');
    write(`* FLAGS ${FLAGS}`);
    write(`* OK [PERMANENTFLAGS ${FLAGS}] Permanent flags`);
    if (firstUnseen >= 0) write(`* OK [UNSEEN ${firstUnseen + 1}] Is the first unseen message`);
    write(`* OK [UIDVALIDITY ${uidValidity(folder.name)}] UIDVALIDITY value`);
    write(`* OK [UIDNEXT ${count + 1}] The next unique identifier value`);
    const mode = cmd.name === 'SELECT' ? 'READ-WRITE' : 'READ-ONLY';
    write(`${cmd.tag} OK [${mode}] ${cmd.name} completed.`);
  }

  function list(cmd: ImapCommand): void {
    const pattern = str(cmd.args[1]);
    const folders = mailbox()?.folders ?? [];
    if (pattern === '') write('* LIST (\\Noselect \\HasChildren) "/" ""');
    const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/%/g, '[^/]*');
    const re = new RegExp(`^${escaped}$`);
    const inboxRe = new RegExp(`^${escaped}$`, 'i'); // "inbox" and "Inbox" name INBOX too
    for (const f of folders) {
      const inbox = f.name.toUpperCase() === 'INBOX';
      if (inbox ? !inboxRe.test('INBOX') : !re.test(f.name)) continue;
      const children = folders.some((c) => c.name.startsWith(`${f.name}/`)) ? '\\HasChildren' : '\\HasNoChildren';
      write(`* ${cmd.name} (${children}) "/" ${astring(inbox ? 'INBOX' : f.name)}`);
    }
    write(`${cmd.tag} OK ${cmd.name} completed.`);
  }

  function search(cmd: ImapCommand): void {
    const folder = selected === null ? undefined : findFolder(selected);
    if (!folder) return write(`${cmd.tag} BAD ${T.invalidState}`);
    const keys = cmd.args.map((a) => str(a).toUpperCase()).filter((k) => k && k !== 'CHARSET' && k !== 'US-ASCII' && k !== 'UTF-8');
    if (keys.some((k) => !['ALL', 'SEEN', 'UNSEEN'].includes(k))) return write(`${cmd.tag} BAD ${T.argumentError}`);
    const hits = folder.messages
      .map((m, i) => ({ m, n: i + 1 }))
      .filter(({ m }) => keys.every((k) => k === 'ALL' || (k === 'SEEN') === m.seen));
    write(`* SEARCH${hits.map(({ n }) => ` ${n}`).join('')}`); // UID = sequence number here
    write(`${cmd.tag} OK SEARCH completed.`);
  }

  function fetch(cmd: ImapCommand): void {
    const folder = selected === null ? undefined : findFolder(selected);
    if (!folder) return write(`${cmd.tag} BAD ${T.invalidState}`);
    const raw = cmd.args[1];
    const items = (Array.isArray(raw) ? raw : [raw]).map((i) => str(i).toUpperCase());
    if (cmd.name === 'UID FETCH' && !items.includes('UID')) items.unshift('UID');
    if (items.some((i) => !['UID', 'FLAGS', 'INTERNALDATE'].includes(i))) return write(`${cmd.tag} BAD ${T.argumentError}`);
    let numbers: number[];
    try {
      numbers = parseSequenceSet(str(cmd.args[0]), folder.messages.length);
    } catch {
      return write(`${cmd.tag} BAD ${T.argumentError}`);
    }
    for (const n of numbers) {
      const m = folder.messages[n - 1]!;
      const value = (item: string): string =>
        item === 'UID' ? String(n) : item === 'FLAGS' ? (m.seen ? '(\\Seen)' : '()') : imapDateTime(new Date(Date.now() - m.receivedMinutesAgo * 60_000));
      write(`* ${n} FETCH (${items.map((i) => `${i} ${value(i)}`).join(' ')})`);
    }
    write(`${cmd.tag} OK FETCH completed.`);
  }

  function handle(cmd: ImapCommand): void {
    const { tag, name } = cmd;
    if (name === 'LOGOUT') {
      if (mailbox()?.fault === 'hang-after-auth') return;
      write(`* BYE ${T.bye}`);
      return write(`${tag} OK LOGOUT completed.`, () => socket.end());
    }
    if (address) {
      const box = mailbox();
      if (box?.fault === 'hang-after-auth') return; // swallow: the client's socket timeout must fire
      if (box?.fault === 'close-after-auth') return void socket.destroy();
      // Exchange's answer when IMAP is disabled (or the mailbox vanished) after a good login.
      if (!box || box.imapEnabled === false) return write(`${tag} BAD ${T.notConnected}`);
    }
    switch (name) {
      case 'CAPABILITY':
        write(`* CAPABILITY ${address ? T.capabilitiesAfterLogin : T.capabilitiesBeforeLogin}`);
        return write(`${tag} OK CAPABILITY completed.`);
      case 'NOOP':
        return write(`${tag} OK NOOP completed.`);
      case 'ID':
        write('* ID ("name" "Microsoft.Exchange.Imap4.Imap4Server" "version" "15.20")');
        return write(`${tag} OK ID completed.`);
      case 'AUTHENTICATE':
        return authenticate(cmd);
      case 'LOGIN':
        return write(`${tag} NO ${T.loginFailed}`);
    }
    if (!address) return write(`${tag} BAD ${T.invalidState}`);
    if (FOLDER_COMMANDS.has(name)) return folderCommand(cmd);
    switch (name) {
      case 'NAMESPACE':
        write('* NAMESPACE (("" "/")) NIL NIL');
        return write(`${tag} OK NAMESPACE completed.`);
      case 'LIST':
      case 'LSUB':
        return list(cmd);
      case 'SEARCH':
      case 'UID SEARCH':
        return search(cmd);
      case 'FETCH':
      case 'UID FETCH':
        return fetch(cmd);
      case 'CLOSE':
      case 'UNSELECT':
        if (selected === null) return write(`${tag} BAD ${T.invalidState}`);
        selected = null;
        return write(`${tag} OK ${name} completed.`);
      case 'IDLE':
        continuation = (line) => write(line.toUpperCase() === 'DONE' ? `${tag} OK IDLE completed.` : `${tag} BAD ${T.commandError}`);
        return write('+ IDLE accepted, awaiting DONE command.');
      default:
        // ENABLE, COMPRESS and CONDSTORE are not Exchange Online features.
        return write(`${tag} BAD ${T.commandError}`);
    }
  }

  write(`* OK ${T.greeting(o.serverId)}`);
}
