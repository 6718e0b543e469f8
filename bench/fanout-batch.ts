/**
 * One queue batch of 100 mailboxes (one app) as the queue function runs it, against the simulated
 * tenant and Azurite, median of 3: the engine alone (baseline, same plan, no sinks), the batch
 * handler end to end (engine + state in Table Storage through the delivery), and the state write
 * of 100 results alone. The figures feed the batch arithmetic in docs/operations.md ("Fan-out over a Storage queue").
 *
 *   npm run bench -- fanout-batch
 */
import { InvocationContext } from '@azure/functions';
import { checkBatch } from '../functions/check-batch';
import { parseConfig } from '../shared/config/load';
import { fingerprint } from '../shared/fanout/batch-message';
import { planRun } from '../shared/run/plan';
import { runChecks } from '../shared/run/run-checks';
import { newRunContext } from '../shared/report/sink';
import { StateStore } from '../shared/state/state-store';
import { storageAccount } from '../shared/storage/storage-account';
import { resetTokenClients } from '../shared/token/token-provider';
import { appId, fleetConfig, fleetScenario, mailboxId, type Fleet } from '../test/fanout/fleet';
import { startTenant } from '../test/e2e/sim-harness';
import { startAzurite } from '../test/storage/azurite';

const FLEET: Fleet = { sizes: [100, 100], brokenEvery: 1_000_000 };
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const [azurite, tenant] = await Promise.all([startAzurite(), startTenant(fleetScenario(FLEET))]);
  try {
    const input = fleetConfig(FLEET, { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port });
    delete (input as { concurrency?: number }).concurrency; // the product's default
    const text = JSON.stringify(input);
    Object.assign(process.env, azurite.env, { MAILBOX_HEALTH_CONFIG: text, TELEMETRY_FLUSH_TIMEOUT_SECONDS: '120' });
    const config = parseConfig(input, 'bench');
    const ids = Array.from({ length: 100 }, (_, j) => mailboxId(1, j));
    const plan = planRun(config, ids);
    const store = StateStore.fromAccount(storageAccount(azurite.env));
    await store.ensureTables();
    const engine: number[] = [];
    const handler: number[] = [];
    const state: number[] = [];
    let coldToken = 0;
    for (let round = 0; round < 3; round++) {
      resetTokenClients();
      let t = performance.now();
      const { report } = await runChecks(plan, { warmSecretCache: true });
      engine.push(performance.now() - t);
      if (report.counts.failed > 0) throw new Error(`unexpected failures: ${JSON.stringify(report.counts)}`);
      resetTokenClients();
      const message = { v: 1, runId: `bench-${round}`, config: fingerprint(text), app: appId(1), mailboxes: ids, batch: 1, batches: 1, enqueuedAt: new Date().toISOString() };
      t = performance.now();
      await checkBatch(message, new InvocationContext({ invocationId: 'bench', functionName: 'checkBatch', logHandler: () => undefined }));
      handler.push(performance.now() - t);
      t = performance.now();
      await store.record(report.results, newRunContext('queue'));
      state.push(performance.now() - t);
      coldToken = report.results[0]!.phases.token ?? 0;
    }
    console.log(`batch of 100 mailboxes (one app), concurrency ${config.concurrency}, median of 3 (cold token each):`);
    console.log(`  engine alone (baseline): ${median(engine).toFixed(0)} ms (${(100_000 / median(engine)).toFixed(0)} checks/s)`);
    console.log(`  batch handler end to end: ${median(handler).toFixed(0)} ms (${(median(handler) / median(engine)).toFixed(2)}x the engine alone)`);
    console.log(`  state write of 100 results (Azurite): ${median(state).toFixed(0)} ms`);
    console.log(`  one cold token request: ~${coldToken} ms`);
  } finally {
    await Promise.all([azurite.stop(), tenant.stop()]);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
