/** Call timer state. Pure: time comes from an injectable clock (ms). */

export type Clock = () => number;

export class CallTimer {
  private startedAt: number | null = null;
  private frozenMs = 0;

  constructor(private readonly clock: Clock = () => Date.now()) {}

  get running(): boolean {
    return this.startedAt !== null;
  }

  /** Starts a new call from 00:00. No-op while already running. */
  start(): void {
    if (this.startedAt !== null) return;
    this.frozenMs = 0;
    this.startedAt = this.clock();
  }

  /** Ends the call; the elapsed time stays readable until the next start. */
  stop(): void {
    if (this.startedAt === null) return;
    this.frozenMs = Math.max(0, this.clock() - this.startedAt);
    this.startedAt = null;
  }

  /** Back to 00:00, not running. */
  reset(): void {
    this.startedAt = null;
    this.frozenMs = 0;
  }

  elapsedMs(): number {
    return this.startedAt === null ? this.frozenMs : Math.max(0, this.clock() - this.startedAt);
  }

  /** Whole seconds, as sent in durationSeconds. */
  elapsedSeconds(): number {
    return Math.floor(this.elapsedMs() / 1000);
  }
}
