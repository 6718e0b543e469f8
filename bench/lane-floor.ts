/**
 * The floor: the least a correct check can do, with no library on the IMAP path. One token per
 * app (a plain client-credentials POST), one shared TLS SecureContext, verified TLS, then
 * AUTHENTICATE XOAUTH2 with SASL-IR and, once it is accepted, STATUS and LOGOUT pipelined.
 */
import { request } from 'node:https';
import tls from 'node:tls';
import { readSpec, runLaneChecks, type LaneSpec } from './lane-spec';

function token(spec: LaneSpec, app: LaneSpec['apps'][number]): Promise<string> {
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.secret, scope: 'https://outlook.office365.com/.default' }).toString();
  return new Promise((resolve, reject) => {
    const req = request(`${spec.authorityHost}/${app.tenantId}/oauth2/v2.0/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, timeout: 10_000 }, (res) => {
      let text = '';
      res.on('data', (chunk) => (text += String(chunk)));
      res.on('end', () => {
        const parsed = JSON.parse(text) as { access_token?: string };
        if (parsed.access_token) resolve(parsed.access_token);
        else reject(new Error(`token refused: ${text.slice(0, 200)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error('token request timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

function check(spec: LaneSpec, context: tls.SecureContext, user: string, accessToken: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: spec.imap.host, port: spec.imap.port, secureContext: context });
    socket.setNoDelay(true);
    socket.setTimeout(15_000, () => socket.destroy(new Error('timeout')));
    let buffer = '';
    let state: 'greeting' | 'auth' | 'status' = 'greeting';
    let sawStatus = false;
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.on('error', fail);
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('latin1');
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (state === 'greeting') {
          if (!line.startsWith('* OK')) return fail(new Error(`greeting: ${line}`));
          state = 'auth';
          const sasl = Buffer.from(`user=${user}\x01auth=Bearer ${accessToken}\x01\x01`).toString('base64');
          socket.write(`a AUTHENTICATE XOAUTH2 ${sasl}\r\n`);
        } else if (state === 'auth') {
          if (line.startsWith('+')) socket.write('\r\n');
          else if (line.startsWith('a OK')) {
            state = 'status';
            socket.write('b STATUS INBOX (MESSAGES UNSEEN)\r\nc LOGOUT\r\n');
          } else if (line.startsWith('a ')) return fail(new Error(`auth: ${line}`));
        } else if (/^\* STATUS .*MESSAGES \d+/.test(line)) sawStatus = true;
        else if (line.startsWith('b ') && !line.startsWith('b OK')) return fail(new Error(`status: ${line}`));
        else if (line.startsWith('c OK')) {
          socket.end();
          return sawStatus ? resolve() : fail(new Error('no STATUS answer'));
        }
      }
    });
  });
}

async function main(): Promise<void> {
  const spec = readSpec();
  const context = tls.createSecureContext();
  const tokens = await Promise.all(spec.apps.map((app) => token(spec, app)));
  await runLaneChecks(spec, (mailbox) => check(spec, context, mailbox.address, tokens[mailbox.app]!));
}

void main();
