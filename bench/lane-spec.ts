/** What a lane process is given (a JSON file named on its command line) and what it prints back. */
import { readFileSync } from 'node:fs';
import pLimit from 'p-limit';
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

/** Checks every mailbox of the spec, `concurrency` at a time, timing each; prints the result. */
export async function runLaneChecks(spec: LaneSpec, check: (mailbox: LaneSpec['mailboxes'][number]) => Promise<void>): Promise<void> {
  const limit = pLimit(spec.concurrency);
  const durations: number[] = [];
  let failed = 0;
  let firstFailure: string | undefined;
  await Promise.all(
    spec.mailboxes.map((mailbox) =>
      limit(async () => {
        const started = performance.now();
        try {
          await check(mailbox);
        } catch (error) {
          failed++;
          firstFailure ??= (error as Error).message;
        }
        durations.push(performance.now() - started);
      }),
    ),
  );
  printResult({ durations, failed, firstFailure });
}
