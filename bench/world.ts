/**
 * The simulated world of the benchmark, in its own process so that the lanes' CPU is measured
 * apart from it: the simulated tenant (Entra ID, Key Vault, managed identity, Exchange-rules
 * IMAP) or a real Dovecot with the Exchange-rules verifier as the IMAP back end, every endpoint
 * behind a latency proxy. Driven by the parent over IPC: `stats` (then reset) and `stop`.
 */
import { issueServerCert, trustedSimCa } from '../sim/ca';
import { startSimTenant } from '../sim/tenant';
import { startDovecot, type Dovecot } from '../test/dovecot/dovecot-harness';
import { fleetScenario, type Fleet } from './fleet-scenario';
import { startLatencyProxy, type LatencyProxy } from './latency-proxy';

export type Backend = 'simulator' | 'dovecot';

export interface WorldEndpoints {
  authorityHost: string;
  keyVaultUrl: string;
  imap: { host: string; port: number };
  identityEnv: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
}

export interface WorldStats {
  imapConnections: number;
  peakOpen: number;
  holdMs: number[];
  roundTrips: number;
  commands: number;
  sequences: [string, number][];
  tokenRequests: number;
  secretReads: number;
  identityRequests: number;
  worldCpuMs: number;
}

async function main(): Promise<void> {
  const [backend, mailboxes, apps, delay] = process.argv.slice(2);
  const fleet: Fleet = { mailboxes: Number(mailboxes), apps: Number(apps) };
  const delayMs = Number(delay);
  const ca = trustedSimCa();
  const tenant = await startSimTenant(fleetScenario(fleet), ca);
  let dovecot: Dovecot | undefined;
  const cert = issueServerCert(ca);
  if (backend === 'dovecot') dovecot = await startDovecot({ exchange: () => tenant.scenario.exchange, publicKeyPem: tenant.key.publicKeyPem, tls: cert });
  const imapUpstream = dovecot ? { host: dovecot.host, port: dovecot.port } : { host: tenant.imap.host, port: tenant.imap.port };

  const http = (url: string) => ({ host: '127.0.0.1', port: Number(new URL(url).port) });
  const imap = await startLatencyProxy({ upstream: imapUpstream, delayMs, inspect: cert });
  const entra = await startLatencyProxy({ upstream: http(tenant.entra.url), delayMs });
  const vault = await startLatencyProxy({ upstream: http(tenant.vault.url), delayMs });
  const identity = await startLatencyProxy({ upstream: http(tenant.identity.endpoint), delayMs });
  const proxies: LatencyProxy[] = [imap, entra, vault, identity];
  const viaProxy = (url: string, proxy: LatencyProxy) => {
    const u = new URL(url);
    u.port = String(proxy.port);
    return u.toString().replace(/\/$/, '');
  };
  const endpoints: WorldEndpoints = {
    authorityHost: viaProxy(tenant.entra.url, entra),
    keyVaultUrl: viaProxy(tenant.vault.url, vault),
    imap: { host: imap.host, port: imap.port },
    identityEnv: { IDENTITY_ENDPOINT: viaProxy(tenant.identity.endpoint, identity), IDENTITY_HEADER: tenant.identityEnv.IDENTITY_HEADER },
  };

  let cpuMark = process.cpuUsage();
  const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  const baseline = () => ({ tokens: sum(tenant.entra.stats.tokenRequests), reads: sum(tenant.vault.stats.secretReads), identity: tenant.identity.stats.requests });
  let mark = baseline();
  process.on('message', (message: { type: string }) => {
    if (message.type === 'stats') {
      const now = baseline();
      const cpu = process.cpuUsage(cpuMark);
      const s = imap.stats;
      const stats: WorldStats = {
        imapConnections: s.connections,
        peakOpen: s.peakOpen,
        holdMs: s.holdMs,
        roundTrips: s.roundTrips,
        commands: s.commands,
        sequences: [...s.sequences.entries()].sort((a, b) => b[1] - a[1]),
        tokenRequests: now.tokens - mark.tokens,
        secretReads: now.reads - mark.reads,
        identityRequests: now.identity - mark.identity,
        worldCpuMs: (cpu.user + cpu.system) / 1000,
      };
      for (const proxy of proxies) proxy.reset();
      mark = now;
      cpuMark = process.cpuUsage();
      process.send!({ type: 'stats', stats });
    } else if (message.type === 'stop') {
      void Promise.all(proxies.map((p) => p.stop()))
        .then(() => dovecot?.stop())
        .then(() => tenant.stop())
        .finally(() => process.exit(0));
    }
  });
  process.send!({ type: 'ready', endpoints });
}

main().catch((error: unknown) => {
  process.stderr.write(`world: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
