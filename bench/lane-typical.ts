/**
 * The typical script: for each mailbox a fresh MSAL client and token, imapflow with its defaults
 * (connect, STATUS, LOGOUT), a few mailboxes at a time. The authority's metadata is given rather
 * than discovered only because discovery would leave this machine.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ImapFlow } from 'imapflow';
import pLimit from 'p-limit';
import { authorityOptions } from '../shared/token/authority';
import { printResult, readSpec } from './lane-spec';

async function main(): Promise<void> {
  const spec = readSpec();
  const limit = pLimit(spec.concurrency);
  const durations: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  await Promise.all(
    spec.mailboxes.map((mailbox) =>
      limit(async () => {
        const started = performance.now();
        const app = spec.apps[mailbox.app]!;
        try {
          const msal = new ConfidentialClientApplication({ auth: { clientId: app.clientId, clientSecret: app.secret, ...authorityOptions(spec.authorityHost, app.tenantId) } });
          const result = await msal.acquireTokenByClientCredential({ scopes: ['https://outlook.office365.com/.default'] });
          const client = new ImapFlow({ host: spec.imap.host, port: spec.imap.port, secure: true, auth: { user: mailbox.address, accessToken: result!.accessToken }, logger: false });
          await client.connect();
          await client.status('INBOX', { messages: true, unseen: true });
          await client.logout();
        } catch (error) {
          failed++;
          firstFailure ??= (error as Error).message;
        }
        durations.push(performance.now() - started);
      }),
    ),
  );
  printResult({ durations, failed, firstFailure });
}

void main();
