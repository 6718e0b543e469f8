/**
 * One IMAP connection as a health check uses it: wait for the greeting, send tagged commands
 * (several may be in flight: they are answered in order), collect each command's untagged lines,
 * and end. Every wait has its own timer, so a server that stops answering costs at most
 * `connectMs` (TCP, TLS and greeting together) or `commandMs` (per command), never the deadline.
 *
 * Why not a general IMAP library: imapflow always sends CAPABILITY, ID, CAPABILITY and NAMESPACE
 * around the login, 4 commands and 4 round trips a check does not need (issue 9, docs/SDK-FACTS.md);
 * no option turns them off. A check needs a greeting, AUTHENTICATE and a few read-only commands.
 *
 * Nothing here ever holds the token in an error: command lines are never quoted back, only the
 * server's answers (which the check's redactor scrubs in case a server echoes what it was sent).
 */
import type { TLSSocket } from 'node:tls';
import { OUTSIDE_TEXT_CHARS, clipText } from '../diagnosis/outside-text';
import { ResponseReader } from './response-reader';

/** The longest response accepted: a SEARCH listing ~150k unseen messages fits; a 10 MB greeting does not. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
/** All untagged responses kept for one command: a server flooding small lines is stopped here too. */
const MAX_UNTAGGED_BYTES = 2 * MAX_RESPONSE_BYTES;
/** A server's line in a message: the one bound for every text from outside. */
const SERVER_LINE_CHARS = OUTSIDE_TEXT_CHARS;

export type ImapStage = 'connecting' | 'greeted' | 'authenticated';

/** A failure of the connection itself: its socket, its timers or what the server sent. */
export class ImapWireError extends Error {
  constructor(
    message: string,
    /** Node's socket/TLS code, or ours: GREETING_TIMEOUT, ETIMEOUT, ClosedBeforeGreeting, ConnectionClosed, ResponseTooLong, NotImap, UnexpectedTag. */
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ImapWireError';
  }
}

/** A command the server answered with something other than OK. */
export class ImapCommandError extends Error {
  constructor(
    readonly command: string,
    readonly status: string,
    /** The answer's text after the status, its response code (`[UNAVAILABLE]`) included. */
    readonly text: string,
  ) {
    super(clipText(`${command} answered ${status} ${text}`, SERVER_LINE_CHARS));
    this.name = 'ImapCommandError';
  }

  /** The bracketed response code, upper case (`UNAVAILABLE`, `NONEXISTENT`...), if any. */
  get responseCode(): string | undefined {
    return /^\[([A-Za-z-]+)/.exec(this.text)?.[1]?.toUpperCase();
  }
}

export interface Answer {
  status: string;
  text: string;
  /** The untagged responses that arrived while this command was the oldest in flight. */
  untagged: string[];
}

interface Waiter {
  tag: string;
  command: string;
  untagged: string[];
  untaggedBytes: number;
  continuations: number;
  onContinue?: (count: number) => string;
  resolve: (answer: Answer) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

export interface ConnectionOptions {
  connectMs: number;
  commandMs: number;
}

export class ImapConnection {
  stage: ImapStage = 'connecting';
  /** Whether the TLS handshake completed: a greeting that never comes after it is a different fault. */
  secured = false;
  /** The server's last response (its first 300 characters): what a failure quotes. */
  lastServerLine: string | undefined;
  /** Capabilities the greeting announced (`[CAPABILITY ...]`), upper case; undefined when it did not. */
  capabilities: Set<string> | undefined;

  private readonly reader: ResponseReader;
  private readonly waiters: Waiter[] = [];
  private greeting: { resolve: () => void; reject: (error: Error) => void; timer: NodeJS.Timeout } | undefined;
  private failure: Error | undefined;
  private closing = false;
  private logoutTag: string | undefined;
  private nextTag = 0;

  constructor(
    private readonly socket: TLSSocket,
    private readonly options: ConnectionOptions,
  ) {
    this.reader = new ResponseReader((text) => this.onResponse(text), MAX_RESPONSE_BYTES);
    // A check writes a few short commands and waits for each: Nagle would hold each one back
    // until the server's delayed ACK, up to 40 ms per round trip.
    socket.setNoDelay(true);
    socket.once('secureConnect', () => (this.secured = true));
    socket.on('data', (chunk: Buffer) => {
      if (this.closing || this.failure) return;
      try {
        this.reader.push(chunk);
      } catch (error) {
        this.fail(new ImapWireError((error as Error).message, (error as { code?: string }).code ?? 'ResponseTooLong', { cause: error }));
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(error));
    socket.on('close', () => {
      const last = this.lastServerLine ? ` (last: ${this.lastServerLine})` : '';
      this.fail(
        this.stage === 'connecting'
          ? new ImapWireError(`the server closed the connection before its greeting${last}`, 'ClosedBeforeGreeting')
          : new ImapWireError(`the server closed the connection${last}`, 'ConnectionClosed'),
      );
    });
  }

  /** Resolves on the server's `* OK` greeting; a `* BYE` or something that is not IMAP rejects. */
  waitForGreeting(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const timer = setTimeout(() => {
        const code = this.secured ? 'GREETING_TIMEOUT' : 'ETIMEOUT';
        this.fail(new ImapWireError(this.secured ? `no IMAP greeting within ${this.options.connectMs} ms of TLS` : `no TLS connection within ${this.options.connectMs} ms`, code));
      }, this.options.connectMs);
      this.greeting = { resolve, reject, timer };
    });
  }

  /**
   * Sends `<tag> <line>` and resolves with the server's tagged answer, whatever its status. May be
   * called again before the answer comes (pipelining). `onContinue` answers a `+` continuation.
   */
  command(line: string, name: string, onContinue?: (count: number) => string): Promise<Answer> {
    const promise = new Promise<Answer>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const tag = `A${++this.nextTag}`;
      const timer = setTimeout(() => this.fail(new ImapWireError(`no answer to ${name} within ${this.options.commandMs} ms`, 'ETIMEOUT')), this.options.commandMs);
      this.waiters.push({ tag, command: name, untagged: [], untaggedBytes: 0, continuations: 0, onContinue, resolve, reject, timer });
      this.socket.write(`${tag} ${line}\r\n`);
    });
    // A pipelined command's promise may not be awaited yet when the connection fails.
    promise.catch(() => undefined);
    return promise;
  }

  /**
   * Writes LOGOUT behind the commands in flight (pipelined: the server ends the session as soon as
   * it has answered them). Its answer is not awaited: nothing the check reports depends on it.
   */
  sendLogout(): void {
    if (this.failure || this.logoutTag) return;
    this.logoutTag = `A${++this.nextTag}`;
    this.socket.write(`${this.logoutTag} LOGOUT\r\n`);
  }

  /**
   * Says LOGOUT (unless already said) and half-closes. The socket goes when the server closes its
   * side, or after `commandMs` at the latest.
   */
  logout(): void {
    if (this.failure || this.closing) return;
    this.closing = true;
    // LOGOUT and the half-close in one write when LOGOUT was not already pipelined.
    if (this.logoutTag) this.socket.end();
    else this.socket.end(`${(this.logoutTag = `A${++this.nextTag}`)} LOGOUT\r\n`);
    setTimeout(() => this.socket.destroy(), this.options.commandMs).unref();
  }

  /** Ends the connection now (a failure, an abort). Idempotent. */
  destroy(reason?: Error): void {
    if (reason) this.fail(reason);
    this.closing = true;
    this.socket.destroy();
  }

  /** After the check: a connection that did not log out is closed at once. */
  destroyUnlessLoggedOut(): void {
    if (!this.closing) this.destroy();
  }

  private onResponse(text: string): void {
    this.lastServerLine = clipText(text, SERVER_LINE_CHARS);
    if (this.stage === 'connecting') return this.onGreeting(text);
    if (text.startsWith('+')) {
      const waiter = this.waiters[0];
      if (!waiter?.onContinue) return this.fail(new ImapWireError(`unexpected continuation request: ${this.lastServerLine}`, 'UnexpectedContinuation'));
      this.socket.write(`${waiter.onContinue(waiter.continuations++)}\r\n`);
      return;
    }
    if (text.startsWith('* ')) {
      const waiter = this.waiters[0];
      if (!waiter) return; // unsolicited, between commands: nothing the check reads
      waiter.untaggedBytes += text.length;
      if (waiter.untaggedBytes > MAX_UNTAGGED_BYTES) {
        return this.fail(new ImapWireError(`the server sent more than ${MAX_UNTAGGED_BYTES / 1024} KiB of untagged responses to ${waiter.command}`, 'ResponseTooLong'));
      }
      waiter.untagged.push(text);
      return;
    }
    const match = /^(\S+) (\S+) ?(.*)$/s.exec(text);
    if (match && match[1] === this.logoutTag) return;
    const waiter = this.waiters[0];
    if (!match || !waiter || match[1] !== waiter.tag) {
      return this.fail(new ImapWireError(`unexpected response: ${this.lastServerLine}`, waiter ? 'UnexpectedTag' : 'NotImap'));
    }
    this.waiters.shift();
    clearTimeout(waiter.timer);
    waiter.resolve({ status: match[2]!.toUpperCase(), text: match[3]!, untagged: waiter.untagged });
  }

  private onGreeting(text: string): void {
    const greeting = this.greeting;
    if (!greeting) return this.fail(new ImapWireError(`the server spoke before the client listened: ${this.lastServerLine}`, 'NotImap'));
    const match = /^\* (OK|PREAUTH|BYE)\b ?(.*)$/is.exec(text);
    if (!match || match[1]!.toUpperCase() === 'PREAUTH') {
      return this.fail(new ImapWireError(`not an IMAP greeting: ${this.lastServerLine}`, 'NotImap'));
    }
    if (match[1]!.toUpperCase() === 'BYE') return this.fail(new ImapCommandError('the greeting', 'BYE', match[2]!));
    const caps = /^\[CAPABILITY ([^\]]*)\]/i.exec(match[2]!);
    if (caps) this.capabilities = new Set(caps[1]!.toUpperCase().split(/\s+/));
    this.stage = 'greeted';
    clearTimeout(greeting.timer);
    this.greeting = undefined;
    greeting.resolve();
  }

  /** Rejects whatever waits with the first failure; later ones change nothing. */
  private fail(error: Error): void {
    if (this.failure || this.closing) {
      if (!this.socket.destroyed) this.socket.destroy();
      return;
    }
    this.failure = error;
    if (this.greeting) {
      clearTimeout(this.greeting.timer);
      this.greeting.reject(error);
      this.greeting = undefined;
    }
    for (const waiter of this.waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.socket.destroy();
  }
}
