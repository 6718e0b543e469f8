/**
 * A TLS server on the IMAP port that never greets is often a web server (port 443 configured,
 * a proxy's HTTPS listener). Asked one HTTP question it says so at once, which turns "no answer
 * in time" into the real diagnosis: the wrong protocol on that port. Verification stays on.
 */
import type { LookupFunction } from 'node:net';
import { connect } from 'node:tls';

/** The status line of an HTTP answer on host:port, or undefined when nothing HTTP answers in `ms`. */
export function sniffHttp(host: string, port: number, ms: number, lookup?: LookupFunction): Promise<string | undefined> {
  return new Promise((resolve) => {
    let received = '';
    const socket = connect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, ...(lookup ? { lookup } : {}) });
    const done = (answer: string | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    };
    const timer = setTimeout(() => done(undefined), ms);
    socket.on('error', () => done(undefined));
    socket.on('secureConnect', () => socket.write(`HEAD / HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (received.length >= 5 && !received.startsWith('HTTP/')) done(undefined);
      else if (received.includes('\n') || received.length > 200) done(/^HTTP\/[^\r\n]*/.exec(received)?.[0].slice(0, 80));
    });
    socket.on('end', () => done(/^HTTP\/[^\r\n]*/.exec(received)?.[0].slice(0, 80)));
  });
}
