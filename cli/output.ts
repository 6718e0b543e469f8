/** Printing the report: table or JSON, colour only on a TTY, the whole of it before exit. */
import { exitCode } from '../shared/run/report';
import type { RunReport } from '../shared/contract/result';
import { renderJson } from '../shared/report/json';
import { renderTable } from '../shared/report/table';

export interface OutputOptions {
  json?: boolean;
}

// Writing goes through output-stream.ts, the one path every command's output takes (#16.6).
export { guardOutput, isClosedPipe, writeText } from './output-stream';
import { writeText } from './output-stream';

export async function writeJsonBody(body: unknown): Promise<void> {
  await writeText(process.stdout, JSON.stringify(body, null, 2) + '\n');
}

export function useColour(stream: NodeJS.WriteStream): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
}

export async function printReport(report: RunReport, options: OutputOptions): Promise<number> {
  const text = options.json ? renderJson(report) : renderTable(report, useColour(process.stdout));
  await writeText(process.stdout, text);
  return exitCode(report);
}

/** A one-line progress counter on stderr, only for a person at a terminal and a long run. */
export function progressLine(total: number): ((done: number) => void) | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY || total < 2) return undefined;
  const started = Date.now();
  return (done) => {
    if (Date.now() - started < 1500 && done < total) return;
    process.stderr.write(`\r\u001b[2Kchecked ${done}/${total} mailboxes`);
    if (done === total) process.stderr.write('\r\u001b[2K');
  };
}
