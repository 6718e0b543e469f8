/**
 * E-mail through Microsoft Graph `sendMail`, from a configured sender mailbox, with the monitor's
 * own identity (application permission Mail.Send; scope it to the sender with an Exchange
 * application access policy / RBAC for Applications). No SMTP credentials anywhere.
 */
import type { GraphClient } from '../../entra/graph-client';
import { graphErrorOf } from '../../entra/graph-client';
import { inertLine } from '../../diagnosis/outside-text';
import { plainText, type Notification } from '../notification';
import { ChannelError, type Channel } from './channel';

export function sendMailBody(n: Notification, to: string[]): Record<string, unknown> {
  return {
    message: {
      subject: `[mailbox-health] ${inertLine(n.title)}`,
      body: { contentType: 'Text', content: plainText(n) },
      toRecipients: to.map((address) => ({ emailAddress: { address } })),
    },
    saveToSentItems: false,
  };
}

export class EmailChannel implements Channel {
  readonly type = 'email';
  constructor(
    readonly id: string,
    private readonly graph: GraphClient,
    private readonly from: string,
    private readonly to: string[],
  ) {}

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    let response;
    try {
      response = await this.graph.request('POST', `/v1.0/users/${encodeURIComponent(this.from)}/sendMail`, sendMailBody(n, this.to), signal);
    } catch (error) {
      throw new ChannelError((error as Error).message, true, { cause: error });
    }
    if (response.status === 202) return;
    const error = graphErrorOf(response, `sendMail from ${this.from}`);
    throw new ChannelError(response.status === 403 ? `${error.message} (the monitor's identity needs the Graph application permission Mail.Send)` : error.message, response.status === 429 || response.status >= 500);
  }
}
