/**
 * Issue 16, item 4, the notification side: what people read in Teams, Slack and e-mail is inert
 * (control characters and bidi overrides written out), a server's text never becomes markup of the
 * monitor's own message (Teams markdown links, Slack mrkdwn, a code block closed early); the signed
 * webhook is JSON and keeps the exact text.
 */
import { sendMailBody } from '../../shared/notify/channels/email';
import { slackPayload } from '../../shared/notify/channels/slack';
import { adaptiveCard } from '../../shared/notify/channels/teams';
import { webhookPayload } from '../../shared/notify/channels/webhook';
import type { Notification } from '../../shared/notify/notification';
import { hasUnsafeCharacters } from '../../shared/diagnosis/outside-text';
import { esc } from '../../shared/status/status-page';
import { validateAdaptiveCard, validateSlackPayload } from './payload-shapes';

const LINK = '[Sign in again](https://evil.example/login)';
const CONTROL = '\u001b]0;pwned\u0007\u001b[2J\u009b31m';
const BIDI = 'invoice\u202Egpj.exe\u2066';
const hostile: Notification = {
  kind: 'failing',
  incident: 'mailbox:hr',
  severity: 'critical',
  title: `hr is failing: IMAP_AUTH_FAILED ${BIDI}`,
  summary: `hr@contoso.com: XOAUTH2 login refused (NO ${LINK} ${CONTROL})`,
  code: 'IMAP_AUTH_FAILED',
  remedy: `Grant access \`\`\` <!channel> *now* ${LINK}`,
  facts: [{ title: 'App', value: `Importer ${LINK} ${CONTROL}` }],
  at: '2026-12-04T09:00:00.000Z',
  runId: 'r1',
};

/** Every element of the card that Teams reads as markdown (TextBlock text, Fact title and value). */
function markdownTexts(card: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.type === 'TextBlock') out.push(String(n.text));
    if (n.type === 'FactSet') for (const f of n.facts as { title: string; value: string }[]) out.push(f.title, f.value);
    Object.values(n).forEach(walk);
  };
  walk(card.body);
  return out;
}

describe('#16.4 Teams', () => {
  test('#16.4 a server\'s [text](url) is in no element Teams reads as markdown: every text is a TextRun; the card stays valid', () => {
    const card = adaptiveCard(hostile);
    expect(markdownTexts(card)).toEqual([]);
    const json = JSON.stringify(card);
    expect(json).toContain(LINK.replace(/"/g, '\\"'));
    expect(validateAdaptiveCard(card)).toEqual([]);
  });

  test('#16.4 (twin) the markdown detector sees a TextBlock or a Fact that holds one', () => {
    expect(markdownTexts({ body: [{ type: 'TextBlock', text: LINK }, { type: 'FactSet', facts: [{ title: 'a', value: LINK }] }] })).toEqual([LINK, 'a', LINK]);
  });

  test('#16.4 control characters and bidi overrides are written out in the card', () => {
    const json = JSON.stringify(adaptiveCard(hostile));
    expect(json).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\\u001b|\\u0007/);
    expect(json).toContain('invoice\\\\u202egpj.exe');
  });
});

describe('#16.4 Slack', () => {
  test('#16.4 mrkdwn: &, < and > escaped in every text (the fallback too); a remedy\'s ``` cannot close its code block; controls written out', () => {
    const payload = slackPayload(hostile);
    expect(validateSlackPayload(payload)).toEqual([]);
    const json = JSON.stringify(payload);
    expect(json).not.toContain('<!channel>');
    expect(payload.text).not.toMatch(/[<>]/);
    const fix = (payload.blocks.find((b) => b.type === 'section' && 'text' in b && b.text?.text.startsWith('*Fix*')) as { text: { text: string } }).text.text;
    expect(fix.match(/```/g)).toHaveLength(2);
    expect(json).not.toMatch(/[\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\\u001b|\\u0007/);
  });

  test('#16.4 (twin) a plain notification reads as before', () => {
    const plain = slackPayload({ ...hostile, title: 'hr is failing: IMAP_AUTH_FAILED', summary: 'login refused', remedy: 'Add-MailboxPermission', facts: [] });
    expect(plain.text).toBe('hr is failing: IMAP_AUTH_FAILED: login refused');
    expect(JSON.stringify(plain.blocks)).toContain('*Fix*\\n```Add-MailboxPermission```');
  });
});

describe('#16.4 e-mail, webhook and the status page', () => {
  test('#16.4 the e-mail\'s subject and body are inert', () => {
    const body = sendMailBody(hostile, ['oncall@contoso.com']) as { message: { subject: string; body: { content: string } } };
    expect(hasUnsafeCharacters(body.message.subject)).toBe(false);
    expect(hasUnsafeCharacters(body.message.body.content)).toBe(false);
    expect(body.message.body.content).toContain('\\x1b]0;pwned\\x07');
  });

  test('#16.4 (twin) the signed webhook is JSON for machines: the exact texts', () => {
    const payload = webhookPayload(hostile) as unknown as Notification;
    expect(payload.summary).toBe(hostile.summary);
    expect(hasUnsafeCharacters(JSON.stringify(payload))).toBe(true);
  });

  test('#16.4 the status page escapes bidi overrides as well as HTML', () => {
    expect(esc(`<b>${BIDI}</b>`)).toBe('&lt;b&gt;invoice\\u202egpj.exe\\u2066&lt;/b&gt;');
  });
});
