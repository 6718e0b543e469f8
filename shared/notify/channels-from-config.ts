/** The configured channels, their secrets (webhook URLs, signing keys) read from Key Vault on first use. */
import type { NotifyConfig, SecretRef } from '../config/schema';
import type { SecretReader } from '../credentials/secret-reader';
import { secretLocation } from '../credentials/secret';
import type { GraphClient } from '../entra/graph-client';
import { checkChannelUrl } from './channel-url';
import { ChannelError, type Channel } from './channels/channel';
import { EmailChannel } from './channels/email';
import { SlackChannel } from './channels/slack';
import { TeamsChannel } from './channels/teams';
import { WebhookChannel } from './channels/webhook';

/** Where a channel's URL is kept, by name only (the value is the secret). */
const refName = (ref: SecretRef) => ('env' in ref ? `environment variable ${ref.env}` : `Key Vault secret ${ref.keyVaultSecret}`);

export function channelsFromConfig(notify: NotifyConfig, secrets: SecretReader, defaultVaultUrl: string | undefined, graph: GraphClient | undefined): Channel[] {
  const secret = (ref: SecretRef) => async () => (await secrets.read(secretLocation(ref, defaultVaultUrl))).value;
  // Checked each time it is read (a rotated secret may be new): an unusable URL is this channel's
  // failure, said once without retries, and never sent to.
  const url = (ref: SecretRef, index: number) => async () => {
    try {
      return checkChannelUrl(await secret(ref)(), `notify.channels[${index}].url (${refName(ref)})`);
    } catch (error) {
      if ((error as Error).name !== 'ChannelUrlError') throw error;
      throw new ChannelError((error as Error).message, false, { cause: error });
    }
  };
  return notify.channels.map((c, i): Channel => {
    switch (c.type) {
      case 'webhook':
        return new WebhookChannel(c.id, url(c.url, i), secret(c.signingSecret));
      case 'teams':
        return new TeamsChannel(c.id, url(c.url, i));
      case 'slack':
        return new SlackChannel(c.id, url(c.url, i));
      case 'email':
        if (!graph) throw new Error(`notify channel ${c.id}: e-mail needs the cloud's Microsoft Graph (set cloud.graphUrl)`);
        return new EmailChannel(c.id, graph, c.from, c.to);
    }
  });
}
