/** CheckResults and run contexts for state tests, shaped as the engine returns them. */
import type { CheckResult, Status } from '../../shared/contract/result';
import type { RunContext } from '../../shared/report/sink';

export function runContext(runId: string, trigger: RunContext['trigger'] = 'timer'): RunContext {
  return { runId, trigger, location: 'test', host: 'test', version: '0.0.0' };
}

export function result(mailbox: string, status: Status, checkedAt: string, extra: Partial<CheckResult> = {}): CheckResult {
  const failed = status === 'failed';
  return {
    mailbox,
    address: `${mailbox}@contoso.example`,
    app: 'logicaldoc',
    status,
    ...(failed ? { failure: { code: 'IMAP_AUTH_FAILED', phase: 'auth', kind: 'permission', message: 'XOAUTH2 login refused (AUTHENTICATE failed.)', remedy: 'Add-MailboxPermission -Identity x' } } : {}),
    warnings: status === 'degraded' ? [{ code: 'SECRET_EXPIRING', message: 'the vault secret expires soon', remedy: 'roll it', expiresOn: '2026-12-10T00:00:00.000Z', daysLeft: 9 }] : [],
    phases: { secret: 5, token: 7, connect: 3, auth: failed ? 4 : 2, folder: failed ? null : 1, logout: failed ? null : 1 },
    folder: failed ? null : { name: 'INBOX', messages: 3, unseen: 1 },
    token: null,
    checkedAt,
    durationMs: 42,
    ...extra,
  };
}
