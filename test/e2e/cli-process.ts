/** Runs the built CLI as a separate process, its stdout and stderr being pipes. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export const BIN = join(__dirname, '..', '..', 'bin', 'mailbox-health.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** From the first byte on stdout (the printed report) to the exit: what follows the output. */
  afterOutputMs: number;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<CliRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let firstOutput = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      firstOutput ||= Date.now();
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), ms: Date.now() - started, afterOutputMs: firstOutput ? Date.now() - firstOutput : 0 });
    });
  });
}
