/**
 * Soak (issue 10, scope item 5): many consecutive runs in one process, as a warm Functions host
 * lives, against the simulated tenant (in the same process). After each run it samples the heap
 * (after a full GC), Node's active handles and the open TCP sockets, and reports the first and
 * last tenth side by side: a leak shows as growth between them.
 *
 *   npm run bench -- soak [runs]        (default 1000; the suite runs a short version)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseConfig } from '../shared/config/load';
import { planRun } from '../shared/run/plan';
import { runChecks } from '../shared/run/run-checks';
import { trustedSimCa } from '../sim/ca';
import { startSimTenant, useSimIdentity } from '../sim/tenant';
import { catalogueConfig, catalogueScenario } from '../test/e2e/catalogue';
import { loopbackLookup } from '../test/e2e/net-helpers';

export const SOAK_MAILBOXES = ['ok1', 'ok2', 'backlog', 'nogrant', 'wrongsecret', 'closes', 'garbage', 'expiring'];

export interface SoakSample {
  run: number;
  heapMb: number;
  handles: number;
  sockets: number;
}

export interface SoakSummary {
  runs: number;
  seconds: number;
  first: SoakSample;
  last: SoakSample;
  heapGrowthMb: number;
  handleGrowth: number;
  socketGrowth: number;
  statuses: Record<string, number>;
}

const gc: () => void = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function sample(run: number): SoakSample {
  gc();
  gc();
  const resources = process.getActiveResourcesInfo();
  return {
    run,
    heapMb: Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10,
    handles: resources.filter((r) => r !== 'Timeout' && r !== 'Immediate').length,
    sockets: resources.filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap').length,
  };
}

const mean = (samples: SoakSample[], key: keyof SoakSample) => samples.reduce((sum, s) => sum + s[key], 0) / samples.length;

export async function soak(runs: number, onSample?: (s: SoakSample) => void): Promise<SoakSummary> {
  const tenant = await startSimTenant(catalogueScenario(), trustedSimCa(), { throttleBackoffMs: 20 });
  useSimIdentity(tenant);
  const started = performance.now();
  const statuses: Record<string, number> = {};
  const samples: SoakSample[] = [];
  try {
    const config = catalogueConfig(
      { authorityHost: tenant.entra.url, keyVaultUrl: tenant.vault.url, imapPort: tenant.imap.port, ports: { CLOSED: 1, UNTRUSTED: 1, PLAIN: 1 } },
      (id) => SOAK_MAILBOXES.includes(id),
    );
    const plan = planRun(parseConfig(config, 'soak'));
    for (let run = 1; run <= runs; run++) {
      const { report } = await runChecks(plan, { lookup: loopbackLookup, warmSecretCache: run % 2 === 0 });
      for (const r of report.results) statuses[r.failure?.code ?? r.status] = (statuses[r.failure?.code ?? r.status] ?? 0) + 1;
      // Let sockets closed by this run finish closing before sampling.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (run === 1 || run % Math.max(1, Math.floor(runs / 50)) === 0 || run === runs) {
        const s = sample(run);
        samples.push(s);
        onSample?.(s);
      }
    }
  } finally {
    await tenant.stop();
  }
  // The first sample is before the caches warm up; compare the second tenth with the last tenth.
  const tenth = Math.max(1, Math.floor(samples.length / 10));
  const early = samples.slice(1, 1 + tenth);
  const late = samples.slice(-tenth);
  return {
    runs,
    seconds: Math.round((performance.now() - started) / 100) / 10,
    first: samples[1] ?? samples[0]!,
    last: samples[samples.length - 1]!,
    heapGrowthMb: Math.round((mean(late, 'heapMb') - mean(early, 'heapMb')) * 10) / 10,
    handleGrowth: Math.round((mean(late, 'handles') - mean(early, 'handles')) * 10) / 10,
    socketGrowth: Math.round((mean(late, 'sockets') - mean(early, 'sockets')) * 10) / 10,
    statuses,
  };
}

if (require.main === module) {
  const runs = Number(process.argv[2] ?? 1000);
  soak(runs, (s) => process.stdout.write(`run ${String(s.run).padStart(5)}  heap ${s.heapMb.toFixed(1)} MB  handles ${s.handles}  sockets ${s.sockets}\n`))
    .then((summary) => {
      process.stdout.write(`\n${JSON.stringify(summary, null, 2)}\n`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      process.stderr.write(`soak failed: ${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    });
}
