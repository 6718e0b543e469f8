/**
 * The check's own IMAP client (shared/imap: probe.ts, imap-connection.ts) against scripted IMAPS
 * servers on loopback, over verified TLS: what it sends, how it reads what comes back (literals,
 * pipelined answers, untagged lines that belong to no failure), and how it logs in when a server
 * differs from Exchange Online (capabilities in the greeting, no SASL-IR, no XOAUTH2).
 */
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { internalDate, probeImap } from '../../shared/imap/probe';
import type { FolderStatus } from '../../shared/contract/result';
import { issueServerCert, trustedSimCa } from '../../sim/ca';

const TOKEN = 'eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL291dGxvb2sub2ZmaWNlMzY1LmNvbSJ9.c2ln';
const ADDRESS = 'scans@contoso.example';
const XOAUTH2 = Buffer.from(`user=${ADDRESS}\x01auth=Bearer ${TOKEN}\x01\x01`).toString('base64');

interface Script {
  greeting: string;
  /** The answer to one command line (tag stripped off into `tag`); undefined answers nothing. */
  answer: (tag: string, name: string, args: string) => string | undefined;
}

interface Served {
  port: number;
  /** Every line the client sent, per connection, in order. */
  lines: string[][];
  ended: boolean[];
  stop: () => Promise<void>;
}

async function serve(script: Script): Promise<Served> {
  const pair = issueServerCert(trustedSimCa());
  const sockets = new Set<TLSSocket>();
  const lines: string[][] = [];
  const ended: boolean[] = [];
  const server = createTlsServer({ cert: pair.certPem, key: pair.keyPem }, (socket) => {
    sockets.add(socket);
    const mine: string[] = [];
    const index = lines.push(mine) - 1;
    ended[index] = false;
    socket.on('error', () => undefined);
    socket.on('end', () => (ended[index] = true));
    socket.write(script.greeting);
    let buffer = '';
    let pendingTag: string | undefined;
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let nl: number;
      while ((nl = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 2);
        mine.push(line);
        // A line after a continuation request is the client's SASL response, not a command.
        const [tag, name = '', ...rest] = pendingTag ? [pendingTag, 'SASL', line] : line.split(' ');
        pendingTag = undefined;
        const reply = script.answer(tag!, name.toUpperCase(), rest.join(' '));
        if (reply?.startsWith('+')) pendingTag = tag;
        if (reply !== undefined && !socket.destroyed) socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    lines,
    ended,
    stop: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function check(script: Script, folder = 'INBOX'): Promise<{ result: FolderStatus | CheckFailure; served: Served; phases: Record<string, number> }> {
  const served = await serve(script);
  const phases: Record<string, number> = {};
  try {
    const result = await probeImap({ host: '127.0.0.1', port: served.port, address: ADDRESS, folder }, TOKEN, {
      connectMs: 3000,
      commandMs: 3000,
      signal: new AbortController().signal,
      mark: (phase, ms) => (phases[phase] = ms),
    }).catch((error: unknown) => {
      if (error instanceof CheckFailure) return error;
      throw error;
    });
    // The LOGOUT and half-close are written before the probe returns; give them a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 100));
    return { result, served, phases };
  } finally {
    await served.stop();
  }
}

const ok = (tag: string, what = 'completed.') => `${tag} OK ${what}\r\n`;
/** An Exchange-like server: no capabilities in the greeting, SASL-IR accepted, STATUS answered. */
const exchangeLike = (status: (tag: string, args: string) => string): Script => ({
  greeting: '* OK The Microsoft Exchange IMAP4 service is ready.\r\n',
  answer: (tag, name, args) => (name === 'AUTHENTICATE' ? ok(tag, 'AUTHENTICATE completed.') : name === 'STATUS' ? status(tag, args) : name === 'LOGOUT' ? `* BYE bye\r\n${ok(tag)}` : `${tag} BAD Command Error. 10\r\n`),
});

describe('the check IMAP client', () => {
  it('sends AUTHENTICATE with the initial response, STATUS, then LOGOUT with a half-close; nothing else', async () => {
    const { result, served, phases } = await check(exchangeLike((tag) => `* STATUS INBOX (MESSAGES 3 UNSEEN 0)\r\n${ok(tag)}`));
    expect(result).toEqual({ name: 'INBOX', messages: 3, unseen: 0 });
    expect(served.lines).toEqual([[`A1 AUTHENTICATE XOAUTH2 ${XOAUTH2}`, 'A2 STATUS "INBOX" (MESSAGES UNSEEN)', 'A3 LOGOUT']]);
    expect(served.ended).toEqual([true]);
    expect(Object.keys(phases)).toEqual(['connect', 'auth', 'folder', 'logout']);
  });

  it('its twin: a STATUS refused as a missing folder is IMAP_FOLDER_NOT_FOUND, and an earlier untagged NO does not explain it', async () => {
    const { result } = await check(exchangeLike((tag) => `* NO [ALERT] an earlier notice\r\n${tag} NO [NONEXISTENT] Mailbox doesn't exist: Scans\r\n`), 'Scans');
    expect(result).toBeInstanceOf(CheckFailure);
    expect(result).toMatchObject({ code: 'IMAP_FOLDER_NOT_FOUND', phase: 'folder' });
    expect((result as CheckFailure).message).toContain("Mailbox doesn't exist: Scans");
    expect((result as CheckFailure).message).not.toContain('earlier notice');
  });

  it('an untagged BAD before a good STATUS answer fails nothing', async () => {
    const { result } = await check(exchangeLike((tag) => `* BAD earlier junk\r\n* STATUS INBOX (MESSAGES 4 UNSEEN 0)\r\n${ok(tag)}`));
    expect(result).toEqual({ name: 'INBOX', messages: 4, unseen: 0 });
  });

  it('reads a STATUS whose folder name comes as a literal', async () => {
    const { result } = await check(exchangeLike((tag) => `* STATUS {5}\r\nINBOX (MESSAGES 7 UNSEEN 0)\r\n${ok(tag)}`));
    expect(result).toEqual({ name: 'INBOX', messages: 7, unseen: 0 });
  });

  it('its twin: a STATUS answered OK without the counts is IMAP_PROTOCOL, not a mailbox with 0 messages', async () => {
    const { result } = await check(exchangeLike((tag) => ok(tag)));
    expect(result).toMatchObject({ code: 'IMAP_PROTOCOL', phase: 'folder' });
  });

  it('names a non-ASCII folder in modified UTF-7, quoted', async () => {
    let sent = '';
    const { result } = await check(
      exchangeLike((tag, args) => {
        sent = args;
        return `* STATUS "Posteingang/Eing&AOQ-nge &- Scans" (MESSAGES 1 UNSEEN 0)\r\n${ok(tag)}`;
      }),
      'Posteingang/Eingänge & Scans',
    );
    expect(sent).toBe('"Posteingang/Eing&AOQ-nge &- Scans" (MESSAGES UNSEEN)');
    expect(result).toEqual({ name: 'Posteingang/Eingänge & Scans', messages: 1, unseen: 0 });
  });

  it('with unseen mail: EXAMINE names the first unseen ([UNSEEN n]), FETCH reads its date, LOGOUT is pipelined behind it', async () => {
    const received = new Date(Date.now() - 95 * 60_000);
    const stamp = imapDate(received);
    const { result, served } = await check({
      greeting: '* OK ready\r\n',
      answer: (tag, name, args) =>
        name === 'AUTHENTICATE' ? ok(tag)
        : name === 'STATUS' ? `* STATUS "INBOX" (MESSAGES 9 UNSEEN 2)\r\n${ok(tag)}`
        : name === 'EXAMINE' ? `* 9 EXISTS\r\n* OK [UNSEEN 8] first unseen\r\n${tag} OK [READ-ONLY] done\r\n`
        : name === 'FETCH' && args === '8 (INTERNALDATE)' ? `* 8 FETCH (INTERNALDATE "${stamp}")\r\n${ok(tag)}`
        : name === 'LOGOUT' ? ok(tag)
        : `${tag} BAD unexpected\r\n`,
    });
    expect(result).toEqual({ name: 'INBOX', messages: 9, unseen: 2, oldestUnseenMinutes: 95 });
    expect(served.lines[0]!.slice(1)).toEqual(['A2 STATUS "INBOX" (MESSAGES UNSEEN)', 'A3 EXAMINE "INBOX"', 'A4 FETCH 8 (INTERNALDATE)', 'A5 LOGOUT']);
  });

  it('its twin: a server that leaves [UNSEEN n] out of EXAMINE is asked SEARCH UNSEEN, and the lowest hit is fetched', async () => {
    const { result, served } = await check({
      greeting: '* OK ready\r\n',
      answer: (tag, name, args) =>
        name === 'AUTHENTICATE' ? ok(tag)
        : name === 'STATUS' ? `* STATUS "INBOX" (MESSAGES 9 UNSEEN 3)\r\n${ok(tag)}`
        : name === 'EXAMINE' ? `* 9 EXISTS\r\n${ok(tag)}`
        : name === 'SEARCH' ? `* SEARCH 9 4 6\r\n${ok(tag)}`
        : name === 'FETCH' && args === '4 (INTERNALDATE)' ? `* 4 FETCH (INTERNALDATE "${imapDate(new Date(Date.now() - 10 * 60_000))}")\r\n${ok(tag)}`
        : name === 'LOGOUT' ? ok(tag)
        : `${tag} BAD unexpected\r\n`,
    });
    expect(result).toEqual({ name: 'INBOX', messages: 9, unseen: 3, oldestUnseenMinutes: 10 });
    expect(served.lines[0]!.map((l) => l.split(' ')[1])).toEqual(['AUTHENTICATE', 'STATUS', 'EXAMINE', 'SEARCH', 'FETCH', 'LOGOUT']);
  });

  it('a greeting that offers XOAUTH2 without SASL-IR gets the response after the continuation', async () => {
    const { result, served } = await check({
      greeting: '* OK [CAPABILITY IMAP4rev1 AUTH=XOAUTH2] ready\r\n',
      answer: (tag, name, args) =>
        name === 'AUTHENTICATE' ? (args === 'XOAUTH2' ? '+ \r\n' : `${tag} BAD no SASL-IR here\r\n`)
        : name === 'SASL' ? (args === XOAUTH2 ? ok(tag) : `${tag} NO AUTHENTICATE failed.\r\n`)
        : name === 'STATUS' ? `* STATUS INBOX (MESSAGES 1 UNSEEN 0)\r\n${ok(tag)}`
        : ok(tag),
    });
    expect(result).toEqual({ name: 'INBOX', messages: 1, unseen: 0 });
    expect(served.lines[0]!.slice(0, 2)).toEqual(['A1 AUTHENTICATE XOAUTH2', XOAUTH2]);
  });

  it('its twin: a greeting that does not offer XOAUTH2 is IMAP_PROTOCOL, and the token is never sent', async () => {
    const { result, served } = await check({ greeting: '* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] ready\r\n', answer: (tag) => ok(tag) });
    expect(result).toMatchObject({ code: 'IMAP_PROTOCOL', phase: 'auth' });
    expect((result as CheckFailure).message).toMatch(/does not offer XOAUTH2 \(its capabilities: IMAP4REV1 AUTH=PLAIN\)/);
    expect(served.lines.flat().join('\n')).not.toContain(XOAUTH2);
  });

  it('no capabilities in the greeting and the short form refused: CAPABILITY is asked, then the long form logs in', async () => {
    const { result, served } = await check({
      greeting: '* OK ready\r\n',
      answer: (tag, name, args) =>
        name === 'AUTHENTICATE' ? (args === 'XOAUTH2' ? '+ \r\n' : `${tag} BAD Unknown arguments\r\n`)
        : name === 'CAPABILITY' ? `* CAPABILITY IMAP4rev1 AUTH=XOAUTH2\r\n${ok(tag)}`
        : name === 'SASL' ? (args === XOAUTH2 ? ok(tag) : `${tag} NO AUTHENTICATE failed.\r\n`)
        : name === 'STATUS' ? `* STATUS INBOX (MESSAGES 2 UNSEEN 0)\r\n${ok(tag)}`
        : ok(tag),
    });
    expect(result).toEqual({ name: 'INBOX', messages: 2, unseen: 0 });
    expect(served.lines[0]!.map((l) => l.split(' ')[1] ?? 'SASL')).toEqual(['AUTHENTICATE', 'CAPABILITY', 'AUTHENTICATE', 'SASL', 'STATUS', 'LOGOUT']);
  });

  it('a refusal sent as a continuation (RFC 7628 error JSON) is answered with an empty line and ends as IMAP_AUTH_FAILED', async () => {
    const { result, served } = await check({
      greeting: '* OK ready\r\n',
      answer: (tag, name) => (name === 'AUTHENTICATE' ? `+ ${Buffer.from('{"status":"401"}').toString('base64')}\r\n` : name === 'SASL' ? `${tag} NO [AUTHENTICATIONFAILED] Invalid credentials\r\n` : ok(tag)),
    });
    expect(result).toMatchObject({ code: 'IMAP_AUTH_FAILED', phase: 'auth' });
    expect(served.lines[0]).toEqual([`A1 AUTHENTICATE XOAUTH2 ${XOAUTH2}`, '']);
  });

  it('a response over 1 MiB is IMAP_PROTOCOL at once, not memory', async () => {
    const { result } = await check(exchangeLike(() => `* ${'X'.repeat(2 * 1024 * 1024)}`));
    expect(result).toMatchObject({ code: 'IMAP_PROTOCOL', phase: 'folder' });
    expect((result as CheckFailure).message).toMatch(/longer than 1024 KiB/);
  });

  it('a flood of small untagged lines is IMAP_PROTOCOL once it passes 2 MiB, not memory', async () => {
    const { result } = await check(exchangeLike(() => `* OK ${'flood '.repeat(100)}\r\n`.repeat(8000)));
    expect(result).toMatchObject({ code: 'IMAP_PROTOCOL', phase: 'folder' });
    expect((result as CheckFailure).message).toMatch(/more than 2048 KiB of untagged responses to STATUS/);
  });

  it('a greeting that is not IMAP is IMAP_PROTOCOL in connect', async () => {
    const { result } = await check({ greeting: 'SSH-2.0-OpenSSH_9.6\r\n', answer: () => undefined });
    expect(result).toMatchObject({ code: 'IMAP_PROTOCOL', phase: 'connect' });
    expect((result as CheckFailure).message).toContain('not an IMAP greeting: SSH-2.0-OpenSSH_9.6');
  });
});

describe('INTERNALDATE', () => {
  it.each([
    ['17-Jul-1996 02:44:25 -0700', '1996-07-17T09:44:25.000Z'],
    [' 1-Jan-2026 00:30:00 +0100', '2025-12-31T23:30:00.000Z'],
  ])('"%s" is %s', (text, iso) => {
    expect(internalDate([`* 1 FETCH (INTERNALDATE "${text}")`])?.toISOString()).toBe(iso);
  });
  it('its twin: an unreadable date is undefined, never a wrong one', () => {
    expect(internalDate(['* 1 FETCH (INTERNALDATE "17-Foo-1996 02:44:25 -0700")'])).toBeUndefined();
    expect(internalDate(['* 1 FETCH (FLAGS (\\Seen))'])).toBeUndefined();
  });
});

function imapDate(date: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${pad(date.getUTCDate())}-${months[date.getUTCMonth()]}-${date.getUTCFullYear()} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}
