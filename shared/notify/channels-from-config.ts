/** The configured channels, their secrets (webhook URLs, signing keys) read from Key Vault on first use. */
import type { NotifyConfig } from '../config/schema';
import type { SecretReader } from '../credentials/secret-reader';
import { secretLocation } from '../credentials/secret';
import type { GraphClient } from '../entra/graph-client';
import type { Channel } from './channels/channel';
import { EmailChannel } from './channels/email';
import { SlackChannel } from './channels/slack';
import { TeamsChannel } from './channels/teams';
import { WebhookChannel } from './channels/webhook';

export function channelsFromConfig(notify: NotifyConfig, secrets: SecretReader, defaultVaultUrl: string | undefined, graph: GraphClient | undefined): Channel[] {
  const secret = (ref: Parameters<typeof secretLocation>[0]) => async () => (await secrets.read(secretLocation(ref, defaultVaultUrl))).value;
  return notify.channels.map((c): Channel => {
    switch (c.type) {
      case 'webhook':
        return new WebhookChannel(c.id, secret(c.url), secret(c.signingSecret));
      case 'teams':
        return new TeamsChannel(c.id, secret(c.url));
      case 'slack':
        return new SlackChannel(c.id, secret(c.url));
      case 'email':
        if (!graph) throw new Error(`notify channel ${c.id}: e-mail needs the cloud's Microsoft Graph (set cloud.graphUrl)`);
        return new EmailChannel(c.id, graph, c.from, c.to);
    }
  });
}
