/**
 * The run's TLS reuse (shared/imap/tls-reuse.ts) against a real TLS server on loopback: one
 * SecureContext for every connection, a verified session resumed, a run of its own starting
 * afresh, and no session kept from a connection that failed verification.
 */
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { TlsReuse } from '../../shared/imap/tls-reuse';
import { issueServerCert, trustedSimCa } from '../../sim/ca';

let good: tls.Server;
let wrongName: tls.Server;

async function serve(names: string[]): Promise<tls.Server> {
  const cert = issueServerCert(trustedSimCa(), names);
  const server = tls.createServer({ cert: cert.certPem, key: cert.keyPem }, (socket) => socket.end('* OK ready\r\n'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

/** One connection through the run's TLS reuse: whether it resumed, or the error that ended it. */
async function connect(reuse: TlsReuse, server: tls.Server): Promise<{ resumed: boolean } | { error: string }> {
  const port = (server.address() as AddressInfo).port;
  return new Promise((resolve) => {
    let resumed = false;
    const socket = reuse.connect({ host: '127.0.0.1', port });
    socket.once('secureConnect', () => (resumed = socket.isSessionReused()));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    // The server greets and closes: by then the TLS 1.3 ticket has been read too.
    socket.resume();
    socket.once('close', () => resolve({ resumed }));
  });
}

beforeAll(async () => {
  good = await serve(['127.0.0.1']);
  wrongName = await serve(['imap.elsewhere.example']);
});

afterAll(async () => {
  await Promise.all([good, wrongName].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('TLS reuse within a run', () => {
  it('builds one SecureContext for all connections and resumes the verified session', async () => {
    // Only the contexts built on behalf of these connections count: `tls` is shared by every test
    // file a jest worker runs, and what an earlier file left running may build its own meanwhile.
    const original = tls.createSecureContext;
    let ours = 0;
    const built = jest.spyOn(tls, 'createSecureContext').mockImplementation((options) => {
      if (/tls-reuse\.ts/.test(new Error().stack ?? '')) ours++;
      return original(options);
    });
    try {
      const run = new TlsReuse();
      const results = [];
      for (let i = 0; i < 3; i++) results.push(await connect(run, good));
      expect({ results, offered: run.offered }).toEqual({ results: [{ resumed: false }, { resumed: true }, { resumed: true }], offered: 2 });
      // Each connection without the shared one would have built its own (the CA store parsed every time).
      expect(ours).toBeLessThanOrEqual(1);
    } finally {
      built.mockRestore();
    }
  });

  it('a new run verifies the certificate again: nothing is resumed across runs', async () => {
    expect(await connect(new TlsReuse(), good)).toEqual({ resumed: false });
  });

  it('keeps no session from a connection that failed verification, so every attempt fails the same way', async () => {
    const run = new TlsReuse();
    expect(await connect(run, wrongName)).toEqual({ error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(await connect(run, wrongName)).toEqual({ error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    expect(run.offered).toBe(0);
  });
});
