/**
 * TLS for the IMAP connections of one run, done once where once is enough (issue 9):
 * - one SecureContext for every connection: without it, tls.connect() builds a new one, CA store
 *   included, per connection (~0.85 ms CPU each, docs/SDK-FACTS.md);
 * - TLS session resumption per server (host, port, SNI name): the first connection to a server in
 *   a run verifies its certificate chain and name in full; later ones resume that verified session
 *   and skip re-verifying the same certificate (Node then builds no peer chain object either).
 *   Per run, not per process: each run sees the certificate the server presents now, so an expired
 *   or replaced certificate shows as IMAP_TLS on the next run, as it would for the application.
 * Verification is never switched off; a server that refuses a session simply does a full handshake.
 */
import net, { type LookupFunction } from 'node:net';
import tls from 'node:tls';

let sharedContext: tls.SecureContext | undefined;

/** Node's default trust (its CA store plus NODE_EXTRA_CA_CERTS), built once per process. */
function secureContext(): tls.SecureContext {
  sharedContext ??= tls.createSecureContext();
  return sharedContext;
}

export interface TlsTarget {
  host: string;
  port: number;
  /** Name resolution; Node's dns.lookup when omitted. */
  lookup?: LookupFunction;
}

export class TlsReuse {
  private readonly sessions = new Map<string, Buffer>();
  /** Connections that offered a session from an earlier connection of this run. */
  offered = 0;

  /** A verified TLS connection to host:port (SNI and name check on the host name, as for any client). */
  connect(target: TlsTarget): tls.TLSSocket {
    const servername = net.isIP(target.host) ? undefined : target.host;
    const key = `${target.host}|${target.port}|${servername ?? ''}`;
    const session = this.sessions.get(key);
    if (session) this.offered++;
    // A session is kept only from a connection that passed verification ('secureConnect' comes
    // after the chain and name checks): with TLS 1.2 it may arrive before them, and a resumed
    // session skips the name check.
    let verified = false;
    let ticket: Buffer | undefined;
    const socket = tls.connect({ host: target.host, port: target.port, servername, secureContext: secureContext(), session, ...(target.lookup ? { lookup: target.lookup } : {}) }, () => {
      verified = true;
      if (ticket) this.sessions.set(key, ticket);
    });
    // TLS 1.3 tickets arrive after the handshake; keep the newest for the next connection.
    socket.on('session', (received: Buffer) => {
      ticket = received;
      if (verified) this.sessions.set(key, received);
    });
    return socket;
  }
}
