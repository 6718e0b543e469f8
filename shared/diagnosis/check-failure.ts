/**
 * What a step throws when it fails: a classified failure with its stable code and phase. The
 * engine turns it into the result's `failure`, adding the remedy filled in with this mailbox's
 * values. `detail` carries facts the remedy needs (an AADSTS number, the token's roles).
 */
import { FAILURE_CODES, type FailureCode, type FailurePhase, type Kind } from '../contract/codes';

export interface FailureDetail {
  aadsts?: number;
  roles?: string[];
  audience?: string;
  tokenTenantId?: string;
  objectId?: string;
  serverResponse?: string;
  errorCode?: string;
  /** The object id a service named as the refused caller (Key Vault's 403). */
  callerObjectId?: string;
  /** Requests made for this step, the first included, and the transient failures among them. */
  attempts?: number;
  transient?: string[];
}

export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
  readonly kind: Kind;

  constructor(
    readonly code: FailureCode,
    readonly phase: FailurePhase,
    message: string,
    readonly detail: FailureDetail = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.kind = FAILURE_CODES[code];
  }
}

/** Turns anything thrown into an Error at the boundary (a string, undefined, a plain object). */
export function ensureError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${safeString(thrown)}`);
}

function safeString(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
