/** The shape validators themselves catch what they are for (the twins of the channel tests). */
import { adaptiveCard } from '../../shared/notify/channels/teams';
import { slackPayload } from '../../shared/notify/channels/slack';
import type { Notification } from '../../shared/notify/notification';
import { validateAdaptiveCard, validateSlackPayload } from './payload-shapes';

const n: Notification = { kind: 'failing', incident: 'mailbox:a', severity: 'critical', title: 'a is failing: IMAP_AUTH_FAILED', summary: 'x <y> & z', code: 'IMAP_AUTH_FAILED', remedy: 'r'.repeat(5000), facts: Array.from({ length: 12 }, (_, i) => ({ title: `f${i}`, value: 'v' })), at: '2026-11-30T00:00:00.000Z', runId: 'r1' };

test('our card and blocks are valid, even with a 5000-character remedy and 12 facts', () => {
  expect(validateAdaptiveCard(adaptiveCard(n))).toEqual([]);
  expect(validateSlackPayload(slackPayload(n))).toEqual([]);
  expect(slackPayload(n).blocks[1]).toMatchObject({ text: { text: ':red_circle: x &lt;y&gt; &amp; z' } });
});

test('an unknown element, a bad property value and a made-up version are each reported', () => {
  const card = { ...adaptiveCard(n), version: '9.9', body: [{ type: 'Bogus' }, { type: 'TextBlock', text: 'x', weight: 'Heavy' }] };
  const problems = validateAdaptiveCard(card);
  expect(problems.some((p) => p.includes('version 9.9'))).toBe(true);
  expect(problems.some((p) => p.includes('Unknown element type "Bogus"'))).toBe(true);
  expect(problems.some((p) => p.includes('Invalid value "Heavy"'))).toBe(true);
});

test('Slack: missing fallback text, an over-long header and an unknown block are reported', () => {
  const problems = validateSlackPayload({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }, { type: 'image' }] });
  expect(problems).toEqual(['text (the notification fallback) is required', 'blocks[0] (header): needs plain_text of 1-150 characters', 'blocks[1] (image): not a block type this payload should use']);
});
