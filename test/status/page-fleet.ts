/**
 * A realistic stored fleet for the status page, test and benchmark alike: N mailboxes over apps of
 * 25, about 6% failed with the engine's real remedies (filled in by diagnosis/remedies), the
 * mailboxes of one app in 13 degraded by its expiring secret, a few not checked, each with 24 hours of checks every 5 minutes folded into its strip.
 */
import type { FailureCode } from '../../shared/contract/codes';
import { FAILURE_CODES } from '../../shared/contract/codes';
import type { CheckResult } from '../../shared/contract/result';
import { failureRemedy, warningRemedy } from '../../shared/diagnosis/remedies';
import type { RemedyContext } from '../../shared/diagnosis/remedy-context';
import { latestRow, notCheckedRow, type LatestRow } from '../../shared/state/mailbox-state';
import type { PageMailbox } from '../../shared/status/status-page';

const CODES: FailureCode[] = ['IMAP_AUTH_FAILED', 'IMAP_NOT_CONNECTED', 'TOKEN_SECRET_EXPIRED', 'IMAP_TIMEOUT', 'SECRET_ACCESS_DENIED', 'IMAP_FOLDER_NOT_FOUND'];
const MESSAGES: Record<string, [string, (address: string) => string]> = {
  IMAP_AUTH_FAILED: ['auth', (a) => `${a} at outlook.office365.com:993: XOAUTH2 login refused (AUTHENTICATE failed.)`],
  IMAP_NOT_CONNECTED: ['folder', () => 'User is authenticated but not connected.'],
  TOKEN_SECRET_EXPIRED: ['token', () => "AADSTS7000222: The provided client secret keys for app '3bf0cf36-…' are expired."],
  IMAP_TIMEOUT: ['connect', () => 'no answer from outlook.office365.com:993 within 10000 ms'],
  SECRET_ACCESS_DENIED: ['secret', () => 'Key Vault answered 403 Forbidden for secret app-imap-secret'],
  IMAP_FOLDER_NOT_FOUND: ['folder', (a) => `${a} has no folder "Scans"`],
};
const run = (runId: string) => ({ runId, trigger: 'queue' as const, location: 'westeurope', host: 'fn-1', version: '0.1.0' });

function context(m: PageMailbox): RemedyContext {
  const n = Number(m.app.slice(3));
  return {
    mailboxId: m.id, address: m.address, host: 'outlook.office365.com', port: 993, folder: 'INBOX', appId: m.app,
    clientId: `3bf0cf36-0000-4000-8000-${String(n).padStart(12, '0')}`, tenantId: '5a6b7c8d-0000-4000-8000-00000000aaaa', appName: m.app,
    imapResource: 'https://outlook.office365.com', exchangeResource: 'https://outlook.office365.com', authorityHost: 'https://login.microsoftonline.com',
    secret: { vaultUrl: 'https://contoso-kv.vault.azure.net', name: `${m.app}-imap-secret` }, objectId: '03ee3318-0000-4000-8000-000000000001',
  };
}

function checkResult(m: PageMailbox, i: number, kind: 'ok' | 'failed' | 'degraded', at: Date): CheckResult {
  const c = context(m);
  const code = CODES[i % CODES.length]!;
  const [phase, message] = MESSAGES[code]!;
  const failure = kind === 'failed' ? { code, phase: phase as 'auth', kind: FAILURE_CODES[code], message: message(m.address), remedy: failureRemedy(code, c) } : undefined;
  const expiresOn = new Date(at.getTime() + 9 * 86_400_000).toISOString();
  const warnings = kind === 'degraded' ? [{ code: 'SECRET_EXPIRING' as const, message: `the vault secret expires on ${expiresOn.slice(0, 10)}, in 9 day(s)`, remedy: warningRemedy('SECRET_EXPIRING', c), expiresOn, daysLeft: 9 }] : [];
  return {
    mailbox: m.id, address: m.address, app: m.app, status: kind, ...(failure ? { failure } : {}), warnings,
    phases: { secret: 40, token: 35, connect: 60, auth: 120, folder: kind === 'failed' ? null : 30, logout: kind === 'failed' ? null : 10 },
    folder: kind === 'failed' ? null : { name: 'INBOX', messages: 120, unseen: 2, oldestUnseenMinutes: 4 },
    token: null, checkedAt: at.toISOString(), durationMs: 310,
  };
}

export function pageFleet(count: number, now = new Date()): { mailboxes: PageMailbox[]; rows: LatestRow[] } {
  const mailboxes: PageMailbox[] = Array.from({ length: count }, (_, i) => ({ id: `mbx-${String(i).padStart(4, '0')}`, address: `mailbox${i}@tenant${Math.floor(i / 25)}.example.com`, app: `app${String(Math.floor(i / 25)).padStart(3, '0')}` }));
  const rows = mailboxes.map((m, i) => {
    // About 6% failed, each its own way; one app in 13 has an expiring secret, so all its mailboxes are degraded.
    const kind = i % 17 === 3 ? 'failed' : Math.floor(i / 25) % 13 === 5 ? 'degraded' : 'ok';
    // 24 hours of checks, hourly here (the strip keeps the worst of each hour): failures began 3 hours ago.
    let row: LatestRow | undefined;
    for (let h = 23; h >= 0; h--) {
      const at = new Date(now.getTime() - h * 3600_000 - 60_000);
      row = latestRow(checkResult(m, i, kind === 'failed' && h > 3 ? 'ok' : kind, at), run(`run-${h}`), row);
    }
    if (i % 97 === 11) row = notCheckedRow(m, 'batch 3/40 of run run-0 (app x) failed on every attempt and was dead-lettered', new Date(now.getTime() - 20 * 60_000).toISOString(), run('run-0'), row);
    return row!;
  });
  return { mailboxes, rows };
}
