/**
 * The typical script: for each mailbox a fresh MSAL client and token, imapflow with its defaults
 * (connect, STATUS, LOGOUT), a few mailboxes at a time. The authority's metadata is given rather
 * than discovered only because discovery would leave this machine.
 */
import { ConfidentialClientApplication } from '@azure/msal-node';
import { ImapFlow } from 'imapflow';
import { authorityOptions } from '../shared/token/authority';
import { readSpec, runLaneChecks } from './lane-spec';

async function main(): Promise<void> {
  const spec = readSpec();
  await runLaneChecks(spec, async (mailbox) => {
    const app = spec.apps[mailbox.app]!;
    const msal = new ConfidentialClientApplication({ auth: { clientId: app.clientId, clientSecret: app.secret, ...authorityOptions(spec.authorityHost, app.tenantId) } });
    const result = await msal.acquireTokenByClientCredential({ scopes: ['https://outlook.office365.com/.default'] });
    const client = new ImapFlow({ host: spec.imap.host, port: spec.imap.port, secure: true, auth: { user: mailbox.address, accessToken: result!.accessToken }, logger: false });
    await client.connect();
    await client.status('INBOX', { messages: true, unseen: true });
    await client.logout();
  });
}

void main();
