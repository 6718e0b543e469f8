/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
 * received"; the Office 365 connectors are retired). The flow expects a message with one Adaptive
 * Card attachment; Teams renders Adaptive Cards up to schema 1.5, 1.4 is the widely safe one.
 */
import type { Notification } from '../notification';
import { postJson, type Channel } from './channel';

export const ADAPTIVE_CARD_VERSION = '1.4';
const COLOR = { critical: 'Attention', warning: 'Warning', good: 'Good' } as const;

export function adaptiveCard(n: Notification): Record<string, unknown> {
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body: [
      { type: 'TextBlock', text: n.title, weight: 'Bolder', size: 'Medium', color: COLOR[n.severity], wrap: true },
      { type: 'TextBlock', text: n.summary, wrap: true },
      { type: 'FactSet', facts: n.facts },
      ...(n.remedy
        ? [
            { type: 'TextBlock', text: 'Fix', weight: 'Bolder', spacing: 'Medium' },
            { type: 'TextBlock', text: n.remedy, wrap: true, fontType: 'Monospace', size: 'Small' },
          ]
        : []),
      { type: 'TextBlock', text: `m365-mailbox-health · ${n.at} · run ${n.runId}`, isSubtle: true, size: 'Small', wrap: true },
    ],
  };
}

export function teamsPayload(n: Notification): Record<string, unknown> {
  return { type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: adaptiveCard(n) }] };
}

export class TeamsChannel implements Channel {
  readonly type = 'teams';
  constructor(
    readonly id: string,
    private readonly url: () => Promise<string>,
  ) {}

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    await postJson(await this.url(), JSON.stringify(teamsPayload(n)), {}, signal);
  }
}
