/**
 * The production bundle (dist/functionapp, what azd deploys) loaded the way the Azure Functions
 * Node worker loads an app: a fresh process requires every file package.json's `main` names, with
 * `@azure/functions-core` provided by the worker, and the functions register themselves through
 * @azure/functions' v4 programming model (sim/functions-worker.ts). The real host and worker
 * cannot run here (Azure Functions Core Tools cannot be installed: docs/SDK-FACTS.md), so the
 * worker's side is played by that stand-in; what is checked is the app's side: every function
 * registered with its trigger and settings, exactly as the development build (dist/functions/,
 * compiled by tsc) registers them, and one invocation through the bundled programming model.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { timerInput } from '../../sim/functions-worker';
import type { Envelope } from '../../sim/ingestion-server';
import { reportingEnv, startTelemetryWorld } from '../report/telemetry-fixture';
import { GOLDEN_FILE, normalise } from '../report/wire-normalise';

const ROOT = join(__dirname, '..', '..');
const BUNDLE_ROOT = join(ROOT, 'dist', 'functionapp');
const RUNNER = join(ROOT, 'dist', 'sim', 'functions-worker-run.js');

interface Binding {
  type: string;
  direction: string;
  [setting: string]: unknown;
}
interface RunOutput {
  files: string[];
  programmingModel?: string;
  registrations: { name: string; bindings: Record<string, Binding> }[];
  run?: { response: { returnValue?: { http?: { statusCode: string; body?: { bytes?: string } } } } };
}

function worker(root: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): { code: number | null; output?: RunOutput; stderr: string } {
  const child = spawnSync(process.execPath, [RUNNER, root, ...args], { encoding: 'utf8', env: { ...process.env, APPLICATIONINSIGHTS_CONNECTION_STRING: '', MAILBOX_HEALTH_CONFIG: '', ...env } });
  return { code: child.status, stderr: child.stderr, ...(child.status === 0 ? { output: JSON.parse(child.stdout) as RunOutput } : {}) };
}

/** Each function as the host sees it: its trigger's type and settings, and its output binding. */
function summary(output: RunOutput) {
  return Object.fromEntries(
    output.registrations.map((r) => {
      const bindings = Object.values(r.bindings).map(({ name: _name, properties: _properties, ...rest }) => rest);
      return [r.name, bindings];
    }),
  );
}

describe('the bundle as the Functions worker loads it (a stand-in worker: the real host cannot run here)', () => {
  it('main names the bundle, and every function registers with its trigger and settings', () => {
    const { output, stderr } = worker(BUNDLE_ROOT);
    expect(stderr).toBe('');
    expect(output!.files).toEqual([join(BUNDLE_ROOT, 'dist', 'functions', 'index.js')]);
    expect(output!.programmingModel).toBe('@azure/functions');
    expect(summary(output!)).toEqual({
      checkTimer: [{ type: 'timerTrigger', direction: 'in', schedule: '0 */5 * * * *' }],
      expiryTimer: [{ type: 'timerTrigger', direction: 'in', schedule: '0 0 7 * * *' }],
      checkHttp: [{ type: 'httpTrigger', direction: 'in', route: 'check', methods: ['GET'], authLevel: 'function' }, { type: 'http', direction: 'out' }],
      statusHttp: [{ type: 'httpTrigger', direction: 'in', route: 'status', methods: ['GET'], authLevel: 'function' }, { type: 'http', direction: 'out' }],
      checkBatch: [{ type: 'queueTrigger', direction: 'in', queueName: 'mailbox-checks', connection: 'AzureWebJobsStorage' }],
      checkBatchPoison: [{ type: 'queueTrigger', direction: 'in', queueName: 'mailbox-checks-poison', connection: 'AzureWebJobsStorage' }],
    });
  });

  it('registers exactly what the development build registers (dist/functions/*.js, compiled by tsc), binding names included', () => {
    const bundle = worker(BUNDLE_ROOT, [], { CHECK_SCHEDULE: '0 */7 * * * *' }).output!;
    const development = worker(ROOT, [], { CHECK_SCHEDULE: '0 */7 * * * *' }).output!;
    expect(development.files.length).toBeGreaterThan(1);
    const byName = (o: RunOutput) => Object.fromEntries(o.registrations.map((r) => [r.name, r.bindings]));
    expect(byName(bundle)).toEqual(byName(development));
    // Settings are read when the worker loads the file, in both builds.
    expect(summary(bundle).checkTimer).toEqual([{ type: 'timerTrigger', direction: 'in', schedule: '0 */7 * * * *' }]);
  });

  it('an HTTP invocation goes through the bundled programming model: GET /api/check?mailbox=<unknown> is a 400 with the failure body', () => {
    const config = { apps: [{ id: 'a', tenantId: '5a6b7c8d-0000-4000-8000-000000000001', clientId: '5a6b7c8d-0000-4000-8000-000000000002', credential: { env: 'BUNDLE_TEST_SECRET' } }], mailboxes: [{ id: 'm', address: 'm@contoso.example', app: 'a' }] };
    const input = [{ data: { http: { method: 'GET', url: 'https://fn.example/api/check?mailbox=nope', headers: {}, query: { mailbox: 'nope' }, params: {} } } }];
    const { output, stderr } = worker(BUNDLE_ROOT, ['checkHttp', JSON.stringify(input)], { MAILBOX_HEALTH_CONFIG: JSON.stringify(config) });
    expect(stderr).toBe('');
    const http = output!.run!.response.returnValue!.http!;
    expect(http.statusCode).toBe('400');
    expect(JSON.parse(http.body!.bytes!)).toMatchObject({ status: 'unknown', failure: { code: 'CONFIG_INVALID', message: expect.stringContaining('nope') } });
  });

  it('the twin: a package whose main matches no file registers nothing, and the stand-in says so', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mailbox-health-bundle-'));
    try {
      cpSync(BUNDLE_ROOT, dir, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { main: string };
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...manifest, main: 'dist/functions/*.mjs' }));
      const { code, stderr } = worker(dir);
      expect(code).toBe(1);
      expect(stderr).toContain('matches no file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the bundle sends what the full SDK sent', () => {
  it('a checkTimer invocation through the bundle, reporting to a local ingestion endpoint: every envelope as recorded (wire-golden.json), byte for byte but for times, ids and timings', async () => {
    const world = await startTelemetryWorld();
    try {
      // Asynchronous: the simulated tenant and the ingestion endpoint run in this process.
      const child = spawn(process.execPath, [RUNNER, BUNDLE_ROOT, 'checkTimer', JSON.stringify([timerInput()])], {
        env: { ...process.env, ...world.tenant.identityEnv, ...reportingEnv(world.ingestion.connectionString), MAILBOX_HEALTH_CONFIG: JSON.stringify(world.config), REGION_NAME: 'West Europe', WEBSITE_SITE_NAME: 'func-golden', WEBSITE_INSTANCE_ID: 'instance-1' },
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
      expect(stderr).toBe('');
      const sent = world.ingestion.bodies.flatMap((body) => JSON.parse(body) as Envelope[]);
      const recorded = (JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as { name: string; data: { baseData: { properties?: Record<string, string> } } }[]).filter(
        (e) => e.data.baseData.properties?.trigger === 'timer' && e.name !== 'Microsoft.ApplicationInsights.Exception',
      );
      expect(sent.length).toBe(recorded.length);
      expect(JSON.stringify(normalise(sent), null, 1)).toBe(JSON.stringify(recorded, null, 1));
    } finally {
      await world.stop();
    }
  });
});
