/**
 * Deadlines: one per mailbox check, one per run. A step that shares its work with other
 * mailboxes (the app's token, the secret) is raced rather than cancelled, so one mailbox's
 * deadline never cancels another's token request.
 */
export class DeadlineExceeded extends Error {
  override readonly name = 'DeadlineExceeded';
  /** `interrupted`: the run was stopped from outside (a signal), `detail` names how. */
  constructor(
    readonly reason: 'check' | 'run' | 'interrupted',
    readonly detail?: string,
  ) {
    super(reason === 'interrupted' ? `the run was interrupted${detail ? ` (${detail})` : ''}` : reason === 'run' ? 'the run deadline was reached' : 'the check deadline was reached');
  }
}

export const isInterruption = (reason: unknown): reason is DeadlineExceeded => reason instanceof DeadlineExceeded && reason.reason === 'interrupted';

/** An AbortSignal that fires after `ms` or when `parent` fires, with the reason attached. */
export function deadlineSignal(ms: number, parent?: AbortSignal): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeadlineExceeded('check')), ms);
  timer.unref?.();
  // An interruption passes down as it is; any other end of the parent is the run's deadline.
  const onParent = () => controller.abort(isInterruption(parent?.reason) ? parent.reason : new DeadlineExceeded('run'));
  if (parent?.aborted) onParent();
  else parent?.addEventListener('abort', onParent, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParent);
    },
  };
}

/** Resolves like `work`, or rejects with the signal's DeadlineExceeded first. */
export function race<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
