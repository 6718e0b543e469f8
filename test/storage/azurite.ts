/**
 * The real Azure Storage emulator for the tests: Azurite (npm devDependency) started as a child
 * process on free ports (port 0; the ports are read from its "successfully listening" lines), in
 * memory, and stopped by its process id. Use it for anything that reads or writes Storage:
 *
 *   const azurite = await startAzurite();
 *   Object.assign(process.env, azurite.env);   // AzureWebJobsStorage=<connection string>
 *   ...
 *   await azurite.stop();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** Azurite's documented development account (public, not a secret: it only opens the emulator). */
export const DEV_ACCOUNT = 'devstoreaccount1';
const DEV_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  queuePort: number;
  tablePort: number;
  blobPort: number;
  /** Explicit-endpoint connection string (http: TableClient needs allowInsecureConnection, docs/SDK-FACTS.md). */
  connectionString: string;
  /** The app settings a Function App would have: `AzureWebJobsStorage` as a connection string. */
  env: { AzureWebJobsStorage: string };
  stop(): Promise<void>;
}

// Azurite's own entry file run by this Node (not the .bin shim, whose `env node` may pick another).
const BIN = azuriteEntry();

function azuriteEntry(): string {
  try {
    return join(dirname(require.resolve('azurite/package.json')), 'dist', 'src', 'azurite.js');
  } catch {
    return 'node_modules/azurite (not installed)';
  }
}
const READY_MS = 30000;

export function azuriteConnectionString(ports: { blobPort: number; queuePort: number; tablePort: number }): string {
  const base = (port: number) => `http://127.0.0.1:${port}/${DEV_ACCOUNT}`;
  return [
    'DefaultEndpointsProtocol=http',
    `AccountName=${DEV_ACCOUNT}`,
    `AccountKey=${DEV_KEY}`,
    `BlobEndpoint=${base(ports.blobPort)}`,
    `QueueEndpoint=${base(ports.queuePort)}`,
    `TableEndpoint=${base(ports.tablePort)}`,
  ].join(';');
}

export async function startAzurite(): Promise<Azurite> {
  if (!existsSync(BIN)) throw new Error(`Azurite is not installed (${BIN} missing): run \`npm ci\` (azurite is a devDependency)`);
  // --silent drops the access log, not the "listening at" lines read below.
  const child = spawn(process.execPath, [BIN, '--silent', '--inMemoryPersistence', '--extentMemoryLimit', '64', '--disableTelemetry', '--skipApiVersionCheck', '--blobPort', '0', '--queuePort', '0', '--tablePort', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // In memory, it writes nothing; tmpdir in case a version does.
    cwd: tmpdir(),
  });
  const ports = await readPorts(child);
  const connectionString = azuriteConnectionString(ports);
  return {
    ...ports,
    connectionString,
    env: { AzureWebJobsStorage: connectionString },
    stop: () => stopChild(child),
  };
}

function readPorts(child: ChildProcess): Promise<{ blobPort: number; queuePort: number; tablePort: number }> {
  return new Promise((resolve, reject) => {
    const found: Record<string, number> = {};
    let output = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not report its ports within ${READY_MS} ms; its output: ${output.slice(-500)}`)), READY_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const match of output.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at http:\/\/127\.0\.0\.1:(\d+)/g)) {
        found[match[1]!] = Number(match[2]);
      }
      if (found.Blob && found.Queue && found.Table) {
        clearTimeout(timer);
        // Keep draining so a full pipe never stalls the emulator.
        child.stdout!.off('data', onData).resume();
        child.stderr!.resume();
        resolve({ blobPort: found.Blob, queuePort: found.Queue, tablePort: found.Table });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => fail(new Error(`Azurite could not start (${BIN}): ${error.message}`)));
    child.once('exit', (code, signal) => fail(new Error(`Azurite exited (code ${code}, signal ${signal}) before listening: ${output.slice(-500)}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
