/**
 * The documented shapes the chat payloads must have. Adaptive Cards: parsed by Microsoft's own
 * `adaptivecards` library (the renderer's parser), whose validation events list unknown element
 * types, invalid property values and a version it does not know. Slack: Block Kit's documented
 * limits for incoming webhooks (the types come from @slack/types at compile time).
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

export function validateAdaptiveCard(card: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard') problems.push('type must be AdaptiveCard');
  if (typeof card.version !== 'string' || !/^1\.[0-6]$/.test(card.version)) problems.push(`version ${String(card.version)} is not an Adaptive Card schema version`);
  const context = new AC.SerializationContext();
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
  for (const event of parsed.validateProperties().validationEvents) problems.push(event.message);
  return problems;
}

const SLACK_LIMITS = { blocks: 50, header: 150, section: 3000, field: 2000, fields: 10, context: 10, text: 40000 };

export function validateSlackPayload(payload: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof payload.text !== 'string' || payload.text.length === 0) problems.push('text (the notification fallback) is required');
  else if (payload.text.length > SLACK_LIMITS.text) problems.push('text too long');
  const blocks = payload.blocks as { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: { type: string }[] }[];
  if (!Array.isArray(blocks) || blocks.length === 0 || blocks.length > SLACK_LIMITS.blocks) return [...problems, 'blocks must hold 1-50 blocks'];
  blocks.forEach((b, i) => {
    const at = `blocks[${i}] (${b.type})`;
    if (b.type === 'header') {
      if (b.text?.type !== 'plain_text' || !b.text.text || b.text.text.length > SLACK_LIMITS.header) problems.push(`${at}: needs plain_text of 1-150 characters`);
    } else if (b.type === 'section') {
      if (!b.text && !b.fields) problems.push(`${at}: needs text or fields`);
      if (b.text && (!['mrkdwn', 'plain_text'].includes(b.text.type) || !b.text.text || b.text.text.length > SLACK_LIMITS.section)) problems.push(`${at}: text must be 1-3000 characters of mrkdwn or plain_text`);
      if (b.fields && (b.fields.length > SLACK_LIMITS.fields || b.fields.some((f) => !f.text || f.text.length > SLACK_LIMITS.field))) problems.push(`${at}: at most 10 fields of 1-2000 characters`);
    } else if (b.type === 'context') {
      if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > SLACK_LIMITS.context) problems.push(`${at}: 1-10 elements`);
    } else {
      problems.push(`${at}: not a block type this payload should use`);
    }
  });
  return problems;
}
