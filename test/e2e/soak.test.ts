/**
 * Issue 10, scope item 5, the short version: consecutive runs in one process (the simulated
 * tenant in the same process) leave no growing heap, handles or sockets behind. The 1,000-run
 * soak is `npm run bench -- soak` (its figures are in docs/reliability.md).
 */
import { soak } from '../../bench/soak';

describe('#10 soak (short)', () => {
  it('#10 40 consecutive runs: heap, handles and sockets do not grow', async () => {
    const summary = await soak(40);
    process.stdout.write(`soak: ${JSON.stringify(summary)}\n`);
    expect(summary.statuses.ok).toBeGreaterThan(0);
    expect(summary.statuses.IMAP_AUTH_FAILED).toBe(40);
    expect(summary.statuses.TOKEN_INVALID_SECRET).toBe(40);
    expect(summary.socketGrowth).toBeLessThanOrEqual(2);
    expect(summary.handleGrowth).toBeLessThanOrEqual(3);
    expect(summary.heapGrowthMb).toBeLessThan(8);
  }, 240_000);
});
