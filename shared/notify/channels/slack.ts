/**
 * A Slack incoming webhook: Block Kit blocks (typed by Slack's own @slack/types) plus `text`, the
 * fallback Slack shows in notifications. Section texts are capped at Slack's 3000 characters.
 */
import type { KnownBlock } from '@slack/types';
import { inertStrings } from '../../diagnosis/outside-text';
import type { Notification } from '../notification';
import { postJson, type Channel } from './channel';

const ICON = { critical: ':red_circle:', warning: ':warning:', good: ':large_green_circle:' } as const;
const cap = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);
// Slack's mrkdwn treats &, < and > as control characters.
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// A remedy sits in a code block: a ``` of its own would close it early and let the rest be mrkdwn.
const inCode = (text: string) => escape(text).replace(/```/g, '`\u2009`\u2009`');

export function slackPayload(outside: Notification): { text: string; blocks: KnownBlock[] } {
  // Control characters and bidirectional overrides written out (outside-text.ts).
  const n = inertStrings(outside);
  const blocks: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: cap(n.title, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: cap(`${ICON[n.severity]} ${escape(n.summary)}`, 3000) } },
  ];
  if (n.facts.length > 0) blocks.push({ type: 'section', fields: n.facts.slice(0, 10).map((f) => ({ type: 'mrkdwn' as const, text: cap(`*${escape(f.title)}*\n${escape(f.value)}`, 2000) })) });
  if (n.remedy) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: cap(`*Fix*\n\`\`\`${inCode(n.remedy)}\`\`\``, 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `m365-mailbox-health · ${n.at} · run ${n.runId}` }] });
  return { text: cap(escape(`${n.title}: ${n.summary}`), 3000), blocks };
}

export class SlackChannel implements Channel {
  readonly type = 'slack';
  constructor(
    readonly id: string,
    private readonly url: () => Promise<string>,
  ) {}

  async send(n: Notification, signal: AbortSignal): Promise<void> {
    await postJson(await this.url(), JSON.stringify(slackPayload(n)), {}, signal);
  }
}
