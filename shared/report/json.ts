/**
 * The report for machines, written completely before the process may exit: a multi-megabyte
 * report into a pipe is only done when the stream says so (process.exit() would cut it off).
 */
import type { Writable } from 'node:stream';
import type { RunReport } from '../contract/result';

export function writeComplete(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

export function renderJson(report: RunReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
