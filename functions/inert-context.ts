/**
 * The Functions log is read by people (the portal's log stream, Application Insights traces), so
 * what a handler logs is made inert the way the CLI table is (shared/diagnosis/outside-text.ts):
 * a display name or a server's text holding an escape sequence or a bidi override is written out
 * (`\x1b`, `\u202e`), never interpreted. Texts are already clipped where they entered; this is the
 * last step before a human surface, applied once per invocation so no log call can forget it.
 */
import type { InvocationContext } from '@azure/functions';
import { inertLine } from '../shared/diagnosis/outside-text';

const LOG_METHODS = ['log', 'trace', 'debug', 'info', 'warn', 'error'] as const;

export function inertContext(context: InvocationContext): InvocationContext {
  // Everything else (invocationId, functionName, extraInputs, options…) is the host's context.
  const wrapped = Object.create(context) as InvocationContext;
  for (const method of LOG_METHODS) {
    const original = context[method].bind(context);
    wrapped[method] = (...args: unknown[]) => original(...args.map((a) => (typeof a === 'string' ? inertLine(a) : a)));
  }
  return wrapped;
}
