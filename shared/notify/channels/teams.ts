/**
 * Microsoft Teams through a Workflows webhook ("Post to a channel when a webhook request is
 * received"; the Office 365 connectors are retired). The flow expects a message with one Adaptive
 * Card attachment; Teams renders Adaptive Cards up to schema 1.5, 1.4 is the widely safe one.
 */
import { inertStrings } from '../../diagnosis/outside-text';
import type { Notification } from '../notification';
import { postJson, type Channel } from './channel';

export const ADAPTIVE_CARD_VERSION = '1.4';
const COLOR = { critical: 'Attention', warning: 'Warning', good: 'Good' } as const;

/**
 * Plain text in a card: a RichTextBlock's TextRun is the Adaptive Card element Teams does not read
 * as markdown. A TextBlock or a Fact would turn a server's `[Sign in again](https://…)` into a link
 * in the monitor's own message; every text here comes from a diagnosis that quotes servers.
 */
const plain = (text: string, style: Record<string, unknown> = {}, block: Record<string, unknown> = {}) => ({
  type: 'RichTextBlock',
  inlines: [{ type: 'TextRun', text, ...style }],
  ...block,
});

export function adaptiveCard(outside: Notification): Record<string, unknown> {
  // Control characters and bidirectional overrides written out (outside-text.ts).
  const n = inertStrings(outside);
  return {
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: ADAPTIVE_CARD_VERSION,
    body: [
      plain(n.title, { weight: 'Bolder', size: 'Medium', color: COLOR[n.severity] }),
      plain(n.summary),
      ...n.facts.map((f, i) => ({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: `${f.title}: `, weight: 'Bolder' }, { type: 'TextRun', text: f.value }], ...(i === 0 ? { spacing: 'Medium' } : { spacing: 'None' }) })),
      ...(n.remedy ? [plain('Fix', { weight: 'Bolder' }, { spacing: 'Medium' }), plain(n.remedy, { fontType: 'Monospace', size: 'Small' })] : []),
      plain(`m365-mailbox-health · ${n.at} · run ${n.runId}`, { isSubtle: true, size: 'Small' }),
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
