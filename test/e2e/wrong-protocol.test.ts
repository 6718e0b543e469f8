/**
 * #11.13: the wrong protocol on the IMAP port, through the check's IMAP client over verified TLS — a
 * web server where IMAPS was expected is IMAP_PROTOCOL in connect (not a timeout), and TLS to a
 * plain-text port gives one readable line (not OpenSSL's raw text with its trailing newline).
 */
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CheckFailure } from '../../shared/diagnosis/check-failure';
import { probeImap } from '../../shared/imap/probe';
import { issueServerCert, trustedSimCa } from '../../sim/ca';
import { plainImapServer } from './net-helpers';

async function probe(port: number): Promise<CheckFailure> {
  try {
    await probeImap({ host: '127.0.0.1', port, address: 'a@contoso.com', folder: 'INBOX' }, 'token', { connectMs: 1500, commandMs: 1500, signal: new AbortController().signal, mark: () => undefined });
  } catch (error) {
    expect(error).toBeInstanceOf(CheckFailure);
    return error as CheckFailure;
  }
  throw new Error('the probe should have failed');
}

describe('#11.13 wrong protocol on the IMAP port', () => {
  it('#11.13 an HTTPS server on the IMAP port is IMAP_PROTOCOL in connect, naming what answered', async () => {
    const cert = issueServerCert(trustedSimCa());
    const server = createHttpsServer({ cert: cert.certPem, key: cert.keyPem }, (_req, res) => res.writeHead(404).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const failure = await probe(port);
      expect([failure.code, failure.phase]).toEqual(['IMAP_PROTOCOL', 'connect']);
      expect(failure.message).toBe(`a@contoso.com at 127.0.0.1:${port}: no IMAP greeting; a web server answers on this port (HTTP/1.1 404 Not Found)`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('#11.13 TLS to a plain-text port is IMAP_TLS on one line, with the reason in words', async () => {
    const plain = await plainImapServer();
    try {
      const failure = await probe(plain.port);
      expect([failure.code, failure.phase]).toEqual(['IMAP_TLS', 'connect']);
      expect(failure.message).toBe(`a@contoso.com at 127.0.0.1:${plain.port}: TLS failed (ERR_SSL_WRONG_VERSION_NUMBER: wrong version number)`);
    } finally {
      await plain.stop();
    }
  });
});
