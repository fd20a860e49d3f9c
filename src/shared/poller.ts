/**
 * Runs `pass` over and over in the background, `pollMs` after each one ends (never two at
 * once), until `stop`. A pass that throws (the database is down) is reported to `onError`
 * and the next one runs on time. The mail sender and the job runner poll this way.
 */
export class Poller {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> | undefined;
  #stopped = true;

  constructor(
    private readonly pass: () => Promise<unknown>,
    private readonly pollMs: number,
  ) {}

  start(onError: (error: unknown) => void = () => {}): void {
    this.#stopped = false;
    const tick = async () => {
      if (this.#stopped) return;
      this.#running = this.pass().catch(onError);
      await this.#running;
      if (!this.#stopped) this.#timer = setTimeout(tick, this.pollMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  /** Stops polling and waits for the pass in progress. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}
