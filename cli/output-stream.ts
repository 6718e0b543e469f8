/**
 * Every command's output goes through here (issue 16 item 6), so a stream that cannot be written
 * ends every command the same way:
 * - a closed pipe (`| head -1`, `| true`): the reader went away, not an error of the monitor;
 *   the command ends quietly with the exit code of its own outcome (docs/cli.md, "Signals and pipes");
 * - any other write failure (ENOSPC on `>/dev/full`, EBADF, EIO): the output is lost, so the
 *   outcome is unknown: one line on stderr and exit 3, never a stack trace and never exit 1,
 *   which a monitoring system reads as "degraded".
 */
import { writeComplete } from '../shared/report/json';

/** The reader went away (`| head`, `| true`): not an error of the monitor, and nothing more to say. */
export function isClosedPipe(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ERR_STREAM_WRITE_AFTER_END';
}

/** The first failure of a write other than a closed pipe, per stream name. */
const failures = new Map<string, NodeJS.ErrnoException>();

function streamName(stream: NodeJS.WritableStream): string {
  return stream === process.stderr ? 'stderr' : 'stdout';
}

function record(stream: NodeJS.WritableStream, error: unknown): void {
  if (isClosedPipe(error)) return;
  const name = streamName(stream);
  if (!failures.has(name)) failures.set(name, error as NodeJS.ErrnoException);
}

/**
 * A stream that cannot be written emits 'error', which unhandled crashes the process with a stack
 * trace and exit 1. Every such error is recorded instead (a direct `process.stderr.write` too);
 * main() turns a recorded one into its line and exit 3 once the command is done.
 */
export function guardOutput(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', (error) => record(stream, error));
}

/**
 * Writes all of `text`, or nothing more once the stream failed. Never throws: a failure is
 * recorded for main(), and the command goes on to its own end (its sinks still get the run).
 */
export async function writeText(stream: NodeJS.WriteStream, text: string): Promise<void> {
  if (stream.destroyed || stream.writableEnded) return;
  try {
    await writeComplete(stream, text);
  } catch (error) {
    record(stream, error);
  }
}

/**
 * The exit code once the command has ended: 3 when an output could not be written, with one line
 * on stderr saying which (when stderr itself still works), else the command's own.
 */
export function exitCodeAfterOutput(code: number): number {
  if (failures.size === 0) return code;
  const [name, error] = [...failures][0]!;
  if (name !== 'stderr' && !failures.has('stderr')) {
    // Synchronous for files, asynchronous for pipes: an error here is one more recorded failure.
    process.stderr.write(`mailbox-health: the output could not be written to ${name} (${String(error.message).slice(0, 120)}); the outcome is unknown\n`, () => undefined);
  }
  return 3;
}
