/**
 * One fresh worker process, as Azure Functions starts it for a cold start: loads the app in
 * APP_ROOT (every file its package.json `main` names) through the stand-in worker
 * (functions-worker.ts), then optionally invokes one function once, and prints one JSON line:
 * what was registered, and the wall and CPU time of the load and of load + first invocation
 * (from this script's first line, so Node's own start is not in them).
 *
 *   node dist/sim/functions-worker-run.js <appRoot> [<functionName> <inputData as JSON>]
 *
 * The environment is the app's settings (MAILBOX_HEALTH_CONFIG, APPLICATIONINSIGHTS_CONNECTION_STRING …).
 * WORKER_RUN_PRELOAD (comma-separated module names, resolved from the app) is required before the
 * app, inside the clocks: how the benchmark measures what an earlier version loaded.
 */
const started = performance.now();
const startedCpu = process.cpuUsage();

import { installFakeWorker, mainFiles, type WorkerLog } from './functions-worker';

const cpuMs = () => {
  const used = process.cpuUsage(startedCpu);
  return (used.user + used.system) / 1000;
};

async function main(): Promise<void> {
  const [root, name, input] = process.argv.slice(2);
  if (!root) throw new Error('usage: functions-worker-run <appRoot> [<functionName> <inputData JSON>]');
  for (const name of (process.env.WORKER_RUN_PRELOAD ?? '').split(',').filter(Boolean)) require(require.resolve(name, { paths: [root] }));
  const worker = installFakeWorker();
  const files = mainFiles(root);
  if (files.length === 0) throw new Error(`package.json "main" in ${root} matches no file`);
  worker.load(files);
  const load = { wallMs: performance.now() - started, cpuMs: cpuMs() };
  const registrations = [...worker.registrations.values()].map((r) => r.metadata);
  let run: { wallMs: number; cpuMs: number; response: unknown; logs: WorkerLog[] } | undefined;
  if (name) {
    const logs: WorkerLog[] = [];
    const response = await worker.invoke(name, JSON.parse(input ?? '[]') as { data: Record<string, unknown> }[], logs);
    run = { wallMs: performance.now() - started, cpuMs: cpuMs(), response, logs };
  }
  // Response bodies are bytes (the RPC shape): printed as text.
  const text = (_key: string, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : value);
  process.stdout.write(`${JSON.stringify({ files, programmingModel: worker.programmingModel()?.name, registrations, load, run }, text)}\n`);
}

main().then(
  // SDK timers (the exporters' periodic readers, MSAL's cache) would keep a worker alive; this one is done.
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`${error.stack ?? String(error)}\n`);
    process.exit(1);
  },
);
