/** Printing the report: table or JSON, colour only on a TTY, the whole of it before exit. */
import { exitCode } from '../shared/run/report';
import type { RunReport } from '../shared/contract/result';
import { renderJson, writeComplete } from '../shared/report/json';
import { renderTable } from '../shared/report/table';

export interface OutputOptions {
  json?: boolean;
}

/** The reader went away (`| head`, `| true`): not an error of the monitor, and nothing more to say. */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/**
 * A closed stdout/stderr emits 'error' (EPIPE), which would crash the process with a stack trace
 * and exit 1 — "degraded" to a monitoring system. Ignore it: the exit code still tells the truth.
 */
export function guardOutput(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error) => {
      if (!isClosedPipe(error)) throw error;
    });
  }
}

/** Writes all of `text`, or nothing more once the reader has gone. */
export async function writeText(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return;
  try {
    await writeComplete(stream, text);
  } catch (error) {
    if (!isClosedPipe(error)) throw error;
  }
}

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
