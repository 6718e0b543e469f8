/**
 * Runs tools/azure/.bin/pwsh-check (the real PowerShell parser and a stub-only runspace; see its
 * Program.cs for the protocol) with a timeout: the test side kills it if it hangs.
 */
import { spawn } from 'node:child_process';
import { PWSH_CHECK } from './validators';

export interface PwshError {
  id: string;
  message: string;
  category?: string;
  command?: string | null;
  line?: number | null;
  column?: number | null;
}
export type PwshCall = { name: string; parameterSet: string; bound: Record<string, unknown> } | { name: 'az' | 'azd'; args: string[] };
export interface PwshCommandResult {
  id: string;
  parseErrors: PwshError[];
  ran: boolean;
  timedOut?: boolean;
  errors: PwshError[];
  calls: PwshCall[];
}
export interface PwshSession {
  id: string;
  commands: { id: string; text: string }[];
}
export interface PwshCheckOutput {
  psVersion: string;
  preludeErrors: PwshError[];
  sessions: { id: string; preludeRun?: { errors: PwshError[] }; commands: PwshCommandResult[] }[];
}

export const PWSH_CHECK_TIMEOUT_MS = 120_000;

export function runPwshCheck(prelude: string, sessions: PwshSession[], options: { timeoutMs?: number; commandTimeoutMs?: number } = {}): Promise<PwshCheckOutput> {
  const timeoutMs = options.timeoutMs ?? PWSH_CHECK_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    const child = spawn('dotnet', [PWSH_CHECK.path], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', POWERSHELL_TELEMETRY_OPTOUT: '1' },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pwsh-check did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`pwsh-check exited with ${code}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as PwshCheckOutput);
      } catch (e) {
        reject(new Error(`pwsh-check wrote no JSON (${(e as Error).message}): ${stdout.slice(0, 500)} ${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify({ prelude, sessions, commandTimeoutMs: options.commandTimeoutMs ?? 10_000 }));
  });
}
