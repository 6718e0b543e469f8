/** What a lane process is given (a JSON file named on its command line) and what it prints back. */
import { readFileSync } from 'node:fs';
import type { FleetApp } from './fleet-scenario';

export interface LaneSpec {
  imap: { host: string; port: number };
  authorityHost: string;
  apps: FleetApp[];
  mailboxes: { address: string; app: number }[];
  concurrency: number;
}

export interface LaneResult {
  /** Per-check wall time, ms. */
  durations: number[];
  failed: number;
  firstFailure?: string;
}

export function readSpec(): LaneSpec {
  return JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as LaneSpec;
}

export function printResult(result: LaneResult): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}
