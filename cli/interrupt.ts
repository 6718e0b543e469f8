/**
 * Ctrl-C and SIGTERM during a run: stop the checks (their connections close on the abort),
 * print what was finished, marked partial, and exit 3. A second signal, or a run that does not
 * wind down in time, ends the process at once — still with 3, never a code that means "degraded".
 */
import { DeadlineExceeded } from '../shared/resilience/deadline';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** The report must be out well within the 2 s a supervisor waits before SIGKILL. */
const GRACE_MS = 1500;

export function interruptOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  let force: NodeJS.Timeout | undefined;
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(3);
    process.stderr.write(`\nmailbox-health: ${name} received: stopping the checks; the report so far follows.\n`);
    controller.abort(new DeadlineExceeded('interrupted', name));
    force = setTimeout(() => process.exit(3), GRACE_MS);
  };
  for (const name of SIGNALS) process.on(name, onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      for (const name of SIGNALS) process.off(name, onSignal);
      if (force) clearTimeout(force);
    },
  };
}
