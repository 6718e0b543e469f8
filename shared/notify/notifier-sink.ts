/**
 * The notifier as a Sink: after each run, each incident's stored state is compared with this run
 * (incidents.ts); a change is claimed with an ETag-guarded write, and only then sent, to every
 * channel at once (one failing or hanging channel never holds up the others beyond its timeout).
 * Failures are logged, kept for the next run's NOTIFY_CHANNEL_FAILED warning, and never thrown.
 */
import type { RunReport, Warning } from '../contract/result';
import type { RunPlan } from '../run/plan';
import type { RunContext, Sink } from '../report/sink';
import { deliver, type Channel, type DeliveryOutcome, type DeliveryPolicy } from './channels/channel';
import { compose } from './compose';
import { credentialObservation, decide, observe, type Observation } from './incidents';
import type { ExpiryReport } from '../run/expiry-sweep';
import type { IncidentStore } from './incident-store';
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

export interface NotifyOutcome {
  sent: { notification: Notification; deliveries: DeliveryOutcome[] }[];
  errors: string[];
}

export class NotifierSink implements Sink {
  readonly name = 'notifier';
  private pending = new Set<Promise<unknown>>();

  constructor(readonly options: NotifierOptions) {}

  async report(report: RunReport, _plan: RunPlan, run: RunContext): Promise<void> {
    await this.notify(observe(report.results, (this.options.now?.() ?? new Date()).getTime()), run);
  }

  /** The sweep: one credential incident per app that could be dated. */
  async credentials(report: ExpiryReport, _plan: RunPlan, run: RunContext): Promise<void> {
    const now = (this.options.now?.() ?? new Date()).getTime();
    await this.notify(report.credentials.filter((c) => !c.failure).map((c) => credentialObservation(c.app, c.warnings, now)), run);
  }

  /** The incidents of these observations: claimed, and sent where this instance won the claim. */
  notify(observations: Observation[], run: RunContext): Promise<NotifyOutcome> {
    const work = this.process(observations, run);
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
    return work;
  }

  private async process(observations: Observation[], run: RunContext): Promise<NotifyOutcome> {
    const outcome: NotifyOutcome = { sent: [], errors: [] };
    const log = this.options.log ?? (() => undefined);
    await Promise.all(
      observations.map(async (observation) => {
        try {
          const notification = await this.claim(observation, run);
          if (!notification) return;
          const deliveries = await Promise.all(this.options.channels.map((channel) => deliver(channel, notification, this.options.policy)));
          outcome.sent.push({ notification, deliveries });
          for (const d of deliveries) if (!d.ok) log(`notifier: ${d.error} (after ${d.attempts} attempt(s))`);
          await Promise.all(deliveries.map((d) => this.options.store.recordDelivery(d.channel, d.ok, d.error, notification.at)));
        } catch (error) {
          const message = `notifier: ${observation.incident}: ${(error as Error).message}`;
          outcome.errors.push(message);
          log(message);
        }
      }),
    );
    return outcome;
  }

  /** The notification this instance won the right to send, or undefined. */
  private async claim(observation: Observation, run: RunContext): Promise<Notification | undefined> {
    for (let attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
      const now = this.options.now?.() ?? new Date();
      const stored = await this.options.store.read(observation.incident);
      const decision = decide(stored?.state, observation, { now, repeatMs: this.options.repeatHours * 3_600_000, thresholds: this.options.thresholds });
      if (!decision.changed) return undefined;
      if (await this.options.store.write(decision.next, stored?.etag)) {
        return decision.send ? compose(observation, { ...decision, send: decision.send }, run, now) : undefined;
      }
    }
    throw new Error(`gave up after ${CLAIM_ATTEMPTS} concurrent updates`);
  }

  async monitorError(): Promise<void> {
    // The monitor's own failures go to telemetry (the heartbeat alert), not to incident channels.
  }

  async flush(timeoutMs: number): Promise<void> {
    await Promise.race([Promise.allSettled([...this.pending]), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}

/** NOTIFY_CHANNEL_FAILED for the run: channels whose last delivery failed. */
export async function channelWarnings(store: IncidentStore): Promise<Warning[]> {
  return (await store.failingChannels()).map((c) => ({
    code: 'NOTIFY_CHANNEL_FAILED',
    message: `notification channel ${c.channel} failed at ${c.lastFailedAt}: ${c.lastError}`,
    remedy: `Check the channel's URL secret and that its receiver is up; notifications since ${c.lastFailedAt} may not have arrived there.`,
    channel: c.channel,
  }));
}
