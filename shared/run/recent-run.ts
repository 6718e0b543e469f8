/**
 * Single flight with a minimum interval, for runs anyone can ask for (the HTTP check): requests
 * that arrive while a run is in flight share it, and a completed run younger than the interval
 * is answered again instead of starting another, so the endpoint cannot be used to hammer
 * Exchange Online or Entra ID. A run that throws is not kept: the next request starts anew.
 * `key` names what the run is of (the config): a run of another config is never reused.
 */
export interface Shared<T> {
  value: T;
  /** 0 for a run this request started or joined; otherwise how long ago the reused run ended. */
  ageMs: number;
  reused: boolean;
}

export class RecentRun<T> {
  private inFlight?: { key: string; promise: Promise<T> };
  private last?: { key: string; value: T; endedAt: number };

  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string, minIntervalMs: number, start: () => Promise<T>): Promise<Shared<T>> {
    const last = this.last;
    if (last?.key === key && this.now() - last.endedAt < minIntervalMs) {
      return { value: last.value, ageMs: Math.max(0, this.now() - last.endedAt), reused: true };
    }
    if (this.inFlight?.key !== key) {
      const promise = start();
      const flight = { key, promise };
      this.inFlight = flight;
      promise.then(
        (value) => {
          this.last = { key, value, endedAt: this.now() };
          if (this.inFlight === flight) this.inFlight = undefined;
        },
        () => {
          if (this.inFlight === flight) this.inFlight = undefined;
        },
      );
    }
    return { value: await this.inFlight!.promise, ageMs: 0, reused: false };
  }
}
