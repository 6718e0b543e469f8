/**
 * The notifier as a Sink: after each run, each incident's stored state is compared with this run
 * (incidents.ts); a change is claimed with an ETag-guarded write, and only then sent, to every
 * channel at once (one failing or hanging channel never holds up the others beyond its timeout).
 * Its Storage work stops at the delivery's deadline (the budget it is given). A channel's failure
 * is logged and kept for the next run's NOTIFY_CHANNEL_FAILED warning; what kept an incident from
 * being claimed or recorded (Storage down or late) is thrown once the rest is done, so the
 * delivery logs it as the notifier's warning (issue 10).
 */
import type { RunReport, Warning } from '../contract/result';
import type { RunPlan } from '../run/plan';
import type { DeliveryBudget, RunContext, Sink } from '../report/sink';
import { deliver, type Channel, type DeliveryOutcome, type DeliveryPolicy } from './channels/channel';
import { compose } from './compose';
import { credentialObservation, decide, observe, type Observation } from './incidents';
import type { ExpiryReport } from '../run/expiry-sweep';
import type { IncidentStore } from './incident-store';
import type { IncidentState } from './incidents';
import type { Notification } from './notification';

/** Claims are retried on a lost ETag race this often before giving up on the incident this run. */
const CLAIM_ATTEMPTS = 5;

export interface NotifierOptions {
  store: IncidentStore;
  channels: Channel[];
  policy: DeliveryPolicy;
  repeatHours: number;
  thresholds: number[];
  log?: (message: string) => void;
  now?: () => Date;
}

interface Claim {
  notification: Notification;
  /** The incident's state before this claim (undefined: there was no row). */
  previous: IncidentState | undefined;
  /** The ETag of the row this claim wrote. */
  etag: string;
}

export interface NotifyOutcome {
  sent: { notification: Notification; deliveries: DeliveryOutcome[] }[];
  errors: string[];
}

export class NotifierSink implements Sink {
  readonly name = 'notifier';
  private pending = new Set<Promise<unknown>>();

  constructor(readonly options: NotifierOptions) {}

  async report(report: RunReport, _plan: RunPlan, run: RunContext, budget?: DeliveryBudget): Promise<void> {
    throwErrors(await this.notify(observe(report.results, (this.options.now?.() ?? new Date()).getTime()), run, budget));
  }

  /** The sweep: one credential incident per app that could be dated. */
  async credentials(report: ExpiryReport, _plan: RunPlan, run: RunContext, budget?: DeliveryBudget): Promise<void> {
    const now = (this.options.now?.() ?? new Date()).getTime();
    throwErrors(await this.notify(report.credentials.filter((c) => !c.failure).map((c) => credentialObservation(c.app, c.warnings, now)), run, budget));
  }

  /**
   * The incidents of these observations: claimed, and sent where this instance won the claim.
   * `budget`: when every Storage request must be over (STORAGE_TIMEOUT_MS per request without one).
   */
  notify(observations: Observation[], run: RunContext, budget?: DeliveryBudget): Promise<NotifyOutcome> {
    const work = this.process(observations, run, budget);
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }

  private async process(observations: Observation[], run: RunContext, budget: DeliveryBudget | undefined): Promise<NotifyOutcome> {
    const outcome: NotifyOutcome = { sent: [], errors: [] };
    const log = this.options.log ?? (() => undefined);
    await Promise.all(
      observations.map(async (observation) => {
        try {
          const claimed = await this.claim(observation, run, budget);
          if (!claimed) return;
          const { notification } = claimed;
          const deliveries = await Promise.all(this.options.channels.map((channel) => deliver(channel, notification, this.options.policy)));
          outcome.sent.push({ notification, deliveries });
          for (const d of deliveries) if (!d.ok) log(`notifier: ${d.error} (after ${d.attempts} attempt(s))`);
          await Promise.all(deliveries.map((d) => this.options.store.recordDelivery(d.channel, d.ok, d.error, notification.at, budget)));
          // Nobody heard it (every channel failed): give the claim back, so the next run sends the
          // change again instead of it being lost. One channel that got it is enough to keep it.
          if (deliveries.length > 0 && deliveries.every((d) => !d.ok)) {
            await this.release(observation.incident, claimed, budget);
            log(`notifier: ${observation.incident}: no channel took the ${notification.kind} notification; the next run sends it again`);
          }
        } catch (error) {
          const message = `notifier: ${observation.incident}: ${(error as Error).message}`;
          outcome.errors.push(message);
          log(message);
        }
      }),
    );
    return outcome;
  }

  /** The notification this instance won the right to send (with what it replaced), or undefined. */
  private async claim(observation: Observation, run: RunContext, budget: DeliveryBudget | undefined): Promise<Claim | undefined> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = this.options.now?.() ?? new Date();
      const stored = await this.options.store.read(observation.incident, budget);
      const decision = decide(stored?.state, observation, { now, repeatMs: this.options.repeatHours * 3_600_000, thresholds: this.options.thresholds });
      if (!decision.changed) return undefined;
      const etag = await this.options.store.write(decision.next, stored?.etag, budget);
      if (etag) {
        return decision.send ? { notification: compose(observation, { ...decision, send: decision.send }, run, now), previous: stored?.state, etag } : undefined;
      }
    }
    throw new Error(`gave up after ${CLAIM_ATTEMPTS} concurrent updates`);
  }

  /** Puts the incident back as it was before the claim, unless another instance has moved it on since. */
  private async release(incident: string, claim: Claim, budget: DeliveryBudget | undefined): Promise<void> {
    if (claim.previous) await this.options.store.write(claim.previous, claim.etag, budget);
    else await this.options.store.remove(incident, claim.etag, budget);
  }

  async monitorError(): Promise<void> {
    // The monitor's own failures go to telemetry (the heartbeat alert), not to incident channels.
  }

  async flush(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}

/** What kept incidents from being handled, as one error for the delivery's log (the first few named). */
function throwErrors(outcome: NotifyOutcome): void {
  if (outcome.errors.length === 0) return;
  const shown = outcome.errors.slice(0, 3).map((e) => e.replace(/^notifier: /, '')).join('; ');
  throw new Error(`${outcome.errors.length} incident(s) not handled: ${shown}${outcome.errors.length > 3 ? '; …' : ''}`);
}

/** NOTIFY_CHANNEL_FAILED for the run: channels whose last delivery failed (their Storage reads by `budget`). */
export async function channelWarnings(store: IncidentStore, budget?: DeliveryBudget): Promise<Warning[]> {
  return (await store.failingChannels(budget)).map((c) => ({
    code: 'NOTIFY_CHANNEL_FAILED',
    message: `notification channel ${c.channel} failed at ${c.lastFailedAt}: ${c.lastError}`,
    remedy: `Check the channel's URL secret and that its receiver is up; notifications since ${c.lastFailedAt} may not have arrived there.`,
    channel: c.channel,
  }));
}
