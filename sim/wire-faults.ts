/**
 * Faults on the wire of the simulated HTTP endpoints (Entra, Key Vault, managed identity), as a
 * queue a test fills per dependency: "503 once, then answer", "429 with Retry-After 1", "reset
 * the connection", "read the request and never answer", "answer 300 ms late", a hostile body, or
 * an error that echoes what the client sent (its client secret, its bearer token) the way
 * misconfigured proxies and some real services do. Each request takes the next step; a step
 * without `times` repeats for ever; an empty queue means the endpoint behaves.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type WireFault =
  | { kind: 'status'; status: number; retryAfter?: string; body?: unknown }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'delay'; ms: number }
  /** Raw bytes as the answer (a malformed token, a JSON bomb, an HTML error page). */
  | { kind: 'body'; status: number; body: string | Buffer; contentType?: string }
  /** An error whose text repeats the request's secret: the form body, or the Authorization header. */
  | { kind: 'echo'; status: number };

export interface FaultStep {
  fault: WireFault;
  /** How many requests get it; every request from now on when omitted. */
  times?: number;
  /** Only requests for this key (Entra: the client id; Key Vault: the secret name); all when omitted. */
  match?: string;
}

export type WireDependency = 'entra' | 'vault' | 'identity';

/** Per-dependency queues plus what was served, for the assertions. */
export class WireFaults {
  private readonly queues = new Map<WireDependency, FaultStep[]>();
  readonly served: Record<WireDependency, number> = { entra: 0, vault: 0, identity: 0 };
  readonly faulted: Record<WireDependency, number> = { entra: 0, vault: 0, identity: 0 };

  set(dependency: WireDependency, steps: FaultStep[]): void {
    this.queues.set(dependency, steps.map((s) => ({ ...s })));
  }

  clear(): void {
    this.queues.clear();
    for (const d of Object.keys(this.served) as WireDependency[]) {
      this.served[d] = 0;
      this.faulted[d] = 0;
    }
  }

  /** The fault for this request, consuming one use of the current step. */
  take(dependency: WireDependency, key?: string): WireFault | undefined {
    this.served[dependency]++;
    const queue = this.queues.get(dependency);
    const step = queue?.[0];
    if (!step || (step.match !== undefined && step.match !== key)) return undefined;
    if (step.times !== undefined && --step.times <= 0) queue!.shift();
    this.faulted[dependency]++;
    return step.fault;
  }
}

/**
 * Applies `fault` to one request; `handle` is the endpoint's normal behaviour, `echoed` the secret
 * the request carried (read by the caller, who knows where its protocol puts it).
 */
export function applyWireFault(fault: WireFault, req: IncomingMessage, res: ServerResponse, handle: () => void, echo: { secret: () => Promise<string>; body: (text: string) => unknown }): void {
  switch (fault.kind) {
    case 'reset':
      req.socket.destroy();
      return;
    case 'hang':
      return;
    case 'delay': {
      const timer = setTimeout(handle, fault.ms);
      req.socket.once('close', () => clearTimeout(timer));
      return;
    }
    case 'status': {
      const body = JSON.stringify(fault.body ?? { error: 'temporarily_unavailable', error_description: `simulated HTTP ${fault.status}` });
      res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString(), ...(fault.retryAfter ? { 'retry-after': fault.retryAfter } : {}) });
      res.end(body);
      return;
    }
    case 'body':
      res.writeHead(fault.status, { 'content-type': fault.contentType ?? 'application/json', 'content-length': Buffer.byteLength(fault.body).toString() });
      res.end(fault.body);
      return;
    case 'echo':
      void echo.secret().then((secret) => {
        const body = JSON.stringify(echo.body(`invalid request, received: ${secret}`));
        res.writeHead(fault.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body).toString() });
        res.end(body);
      });
      return;
  }
}
