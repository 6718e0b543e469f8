/** Hand-made reports for the renderers' tests: one mailbox's result with the texts a test chooses. */
import type { CheckResult, RunReport, Warning } from '../../shared/contract/result';

export function resultWith(overrides: Partial<CheckResult> = {}): CheckResult {
  return {
    mailbox: 'crm',
    address: 'crm@contoso.com',
    app: 'logicaldoc',
    status: 'ok',
    warnings: [],
    phases: { secret: 5, token: 20, connect: 30, auth: 10, folder: 5, logout: 1 },
    folder: { name: 'INBOX', messages: 3, unseen: 0 },
    token: null,
    checkedAt: '2026-12-04T09:00:00.000Z',
    durationMs: 71,
    ...overrides,
  };
}

export function reportOf(results: CheckResult[], warnings?: Warning[]): RunReport {
  const count = (s: string) => results.filter((r) => r.status === s).length;
  return {
    startedAt: '2026-12-04T09:00:00.000Z',
    durationMs: 100,
    status: results.some((r) => r.status === 'failed') ? 'failed' : results.some((r) => r.status === 'degraded') ? 'degraded' : 'ok',
    counts: { total: results.length, ok: count('ok'), degraded: count('degraded'), failed: count('failed') },
    results,
    ...(warnings ? { warnings } : {}),
  };
}
