/**
 * A small IMAPS server that answers as Exchange Online does (greeting, capabilities, refusal texts:
 * sim/imap-exchange-texts.ts) and authorizes XOAUTH2 logins by Exchange's rules
 * (sim/exchange-rules.ts). Implicit TLS like outlook.office365.com:993; loopback only.
 *
 * The 'hang-greeting' fault cannot be decided per mailbox on one port: the greeting comes before
 * the client names its mailbox. So a second, silent listener accepts TLS and never greets, and
 * endpointFor(address) sends a mailbox with that fault there (the config points the mailbox's
 * host/port at it, as the config allows per mailbox).
 */
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import tls from 'node:tls';
import { runExchangeSession } from './imap-exchange-session';
import type { Scenario } from './scenario';

export interface ExchangeImapOptions {
  scenario: () => Scenario;
  publicKeyPem: string;
  tls: { certPem: string; keyPem: string };
  host?: string;
  port?: number;
  /** `aud` a token must carry; default https://outlook.office365.com. */
  resource?: string;
  /** Backoff hint in the throttling reply. Real ones are minutes; imapflow waits min(hint, socketTimeout/2). */
  throttleBackoffMs?: number;
}

export interface ExchangeImap {
  host: string;
  port: number;
  /** Accepts TLS and never greets: the endpoint of a 'hang-greeting' mailbox. */
  silentPort: number;
  /** Resets the next `resetsLeft` connections right after TLS, before the greeting; then serves as the main port. */
  flakyPort: number;
  resetsLeft: number;
  /** Where a client should connect for this mailbox (reads the scenario now). */
  endpointFor(address: string): { host: string; port: number };
  /** `resumed`: TLS handshakes that resumed an earlier session (no certificate sent). */
  stats: { connections: number; logins: number; resumed: number };
  /** Command names per connection, in order (no arguments: they carry tokens). */
  commandLog: string[][];
  stop(): Promise<void>;
}

const MAX_LOGGED_CONNECTIONS = 1000;

// base64 of the UTF-16LE front-end name, the shape of Exchange's greeting id.
const SERVER_ID = Buffer.from('SIM0PR01MB0001.prod.outlook.sim', 'utf16le').toString('base64');

export async function startExchangeImap(options: ExchangeImapOptions): Promise<ExchangeImap> {
  const host = options.host ?? '127.0.0.1';
  const sockets = new Set<Socket>();
  const stats = { connections: 0, logins: 0, resumed: 0 };
  const commandLog: string[][] = [];
  // Bounded: a soak of thousands of runs in one process must not grow the simulator itself.
  const logConnection = (commands: string[]) => {
    if (commandLog.length >= MAX_LOGGED_CONNECTIONS) commandLog.splice(0, commandLog.length - MAX_LOGGED_CONNECTIONS + 1);
    commandLog.push(commands);
  };

  const track = (socket: Socket): void => {
    sockets.add(socket);
    // A reply is several small writes (untagged lines, then the tagged one): with Nagle on, each
    // waits for the client's delayed ACK, ~40 ms per round trip that Exchange does not have.
    socket.setNoDelay(true);
    socket.once('close', () => sockets.delete(socket));
  };
  const makeServer = (onSecure: (socket: tls.TLSSocket) => void): tls.Server => {
    const server = tls.createServer({ cert: options.tls.certPem, key: options.tls.keyPem, minVersion: 'TLSv1.2' }, onSecure);
    server.on('connection', track); // raw sockets too, so stop() also ends half-done handshakes
    server.on('tlsClientError', () => undefined); // the client refused our certificate: its business
    return server;
  };

  // eslint-disable-next-line prefer-const -- assigned once the ports are known
  let imap: ExchangeImap;
  const serve = (socket: tls.TLSSocket) => {
    stats.connections++;
    if (socket.isSessionReused()) stats.resumed++;
    const commands: string[] = [];
    logConnection(commands);
    runExchangeSession(socket, {
      scenario: options.scenario,
      publicKeyPem: options.publicKeyPem,
      resource: options.resource,
      throttleBackoffMs: options.throttleBackoffMs ?? 1000,
      serverId: SERVER_ID,
      commands,
      onLogin: () => stats.logins++,
    });
  };
  const main = makeServer(serve);
  const flaky = makeServer(serve);
  // A TCP reset as the connection arrives, before TLS and the greeting (a front end recycling).
  flaky.prependListener('connection', (raw: Socket) => {
    if (imap.resetsLeft <= 0) return;
    imap.resetsLeft--;
    stats.connections++;
    raw.on('error', () => undefined);
    raw.resetAndDestroy();
  });
  const silent = makeServer((socket) => {
    stats.connections++;
    logConnection([]);
    socket.on('error', () => socket.destroy());
  });

  main.listen(options.port ?? 0, host);
  silent.listen(0, host);
  flaky.listen(0, host);
  await Promise.all([once(main, 'listening'), once(silent, 'listening'), once(flaky, 'listening')]);
  const port = (main.address() as AddressInfo).port;
  const silentPort = (silent.address() as AddressInfo).port;
  const flakyPort = (flaky.address() as AddressInfo).port;

  imap = {
    host,
    port,
    silentPort,
    flakyPort,
    resetsLeft: 0,
    endpointFor(address) {
      const mailbox = options.scenario().exchange.mailboxes.find((m) => m.address.toLowerCase() === address.toLowerCase());
      return { host, port: mailbox?.fault === 'hang-greeting' ? silentPort : port };
    },
    stats,
    commandLog,
    async stop() {
      const closed = [main, silent, flaky].map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
      for (const socket of sockets) socket.destroy();
      await Promise.all(closed);
    },
  };
  return imap;
}
