/**
 * What the IMAP connection went through, read from imapflow's log stream (it has no events for
 * "greeting received" or "authenticated"): where it was when it failed, the server's last words,
 * and the last protocol error imapflow swallowed (STATUS answers `false` on some refusals).
 * Only fields are read; nothing is kept that could hold the token (imapflow masks it anyway).
 */
export type ImapStage = 'connecting' | 'greeted' | 'authenticated';

interface LogEntry {
  src?: string;
  msg?: string;
  err?: unknown;
}

export class ImapSession {
  stage: ImapStage = 'connecting';
  greetedAt: number | undefined;
  authenticatedAt: number | undefined;
  lastServerLine: string | undefined;
  lastError: unknown;
  /** How many errors imapflow has logged: a step reads only the ones logged while it ran. */
  errorCount = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  private observe(entry: unknown): void {
    if (!entry || typeof entry !== 'object') return;
    const { src, msg, err } = entry as LogEntry;
    if (src === 's' && typeof msg === 'string') {
      if (this.stage === 'connecting') {
        this.stage = 'greeted';
        this.greetedAt = this.now();
      }
      this.lastServerLine = msg.slice(0, 300);
    } else if (src === 'auth' && msg === 'User authenticated') {
      this.stage = 'authenticated';
      this.authenticatedAt = this.now();
    }
    if (err) {
      this.lastError = err;
      this.errorCount++;
    }
  }

  /** The last error logged after `count` errors had been seen; undefined when none was since. */
  errorSince(count: number): unknown {
    return this.errorCount > count ? this.lastError : undefined;
  }

  /** The logger imapflow is given: server lines need debug, FETCH bodies (trace) are skipped. */
  logger() {
    const sink = (entry: unknown) => this.observe(entry);
    return {
      isLevelEnabled: (level: string) => level !== 'trace',
      trace: () => undefined,
      debug: sink,
      info: sink,
      warn: sink,
      error: sink,
      fatal: sink,
    };
  }
}
