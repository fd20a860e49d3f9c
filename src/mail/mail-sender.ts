import nodemailer from 'nodemailer';
import { MINUTE } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { Poller } from '../shared/poller.ts';
import { randomBase32 } from '../shared/secrets.ts';
import { foldDueHeldMail, settleDelivery } from './held-mail.service.ts';
import { claimMessage, dueMessageIds } from './outbox.repository.ts';
import { type OutboxMessage, findOutboxMail } from './outbox.service.ts';

/** Where messages go: SMTP in production; anything with `send` in principle. */
export interface MailTransport {
  send(message: { from: string; to: string; subject: string; text: string; html: string }): Promise<void>;
  close(): void;
}

/** An SMTP reply or a connection failure, as nodemailer reports it. */
interface SmtpFailure {
  responseCode?: number;
  response?: string;
  code?: string;
  message?: string;
}

export interface SmtpOptions {
  /** Give up on a silent server after this long (connect, greeting, or any reply). Default 30 s. */
  timeoutMs?: number;
}

/**
 * SMTP through nodemailer. TLS and credentials come from the URL, e.g.
 * `smtps://user:pass@mail.example.com:465` or `smtp://mail.example.com:587` (STARTTLS when offered).
 */
export function smtpTransport(smtpUrl: string, options: SmtpOptions = {}): MailTransport {
  const timeout = options.timeoutMs ?? 30_000;
  const url = new URL(smtpUrl);
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    secure: url.protocol === 'smtps:',
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(m) {
      await transporter.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text, html: m.html });
    },
    close: () => transporter.close(),
  };
}

export interface SenderOptions {
  from: string;
  /** How long a claim holds before another instance may take the message over. */
  leaseMs?: number;
  /** Messages claimed per pass. */
  batchSize?: number;
  /** Attempts before a message is marked failed. */
  maxAttempts?: number;
  /** Pause between passes when `start`ed. */
  pollMs?: number;
}

/** Back-off after the n-th failed attempt: 30 s, 1 min, 2 min … capped at one hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempt - 1), 60 * MINUTE);
}

type SenderDeps = Pick<Deps, 'db' | 'dialect' | 'clock' | 'keyring'>;

/**
 * Delivers the outbox. Each pass first folds held mail whose window has ended into digests,
 * then claims due messages one by one with a conditional UPDATE, so any number of instances
 * sharing the database each send a given message once; a claim that outlives its lease (the
 * instance died) is taken over. Bodies are opened only to send them, and erased once sent.
 * A 5xx reply fails the message for good; a 4xx reply, a refused connection or a
 * silent server defers it with exponential back-off.
 */
export class MailSender {
  readonly owner = randomBase32(10);
  readonly #leaseMs: number;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #poller: Poller;

  constructor(
    readonly deps: SenderDeps,
    readonly transport: MailTransport,
    readonly options: SenderOptions,
  ) {
    this.#leaseMs = options.leaseMs ?? 5 * MINUTE;
    this.#batchSize = options.batchSize ?? 20;
    this.#maxAttempts = options.maxAttempts ?? 10;
    this.#poller = new Poller(() => this.runOnce(), options.pollMs ?? 2_000);
  }

  /** One pass over what is due now; returns how many messages were delivered. */
  async runOnce(): Promise<number> {
    await foldDueHeldMail(this.deps);
    const now = this.deps.clock.now();
    const ids = await dueMessageIds(this.deps.db, now.toISOString(), this.#batchSize);
    let delivered = 0;
    for (const id of ids) {
      const claimedAt = this.deps.clock.now();
      const claimed = await claimMessage(
        this.deps.db,
        id,
        this.owner,
        claimedAt.toISOString(),
        new Date(claimedAt.getTime() + this.#leaseMs).toISOString(),
      );
      if (!claimed) continue;
      const message = await findOutboxMail(this.deps, id);
      if (!message) continue;
      if (await this.#deliver(message)) delivered++;
    }
    return delivered;
  }

  async #deliver(message: OutboxMessage): Promise<boolean> {
    if (message.body !== 'readable') {
      const reply = 'the body opens under neither SECRET_KEY nor SECRET_KEY_PREVIOUS';
      await settleDelivery(this.deps, message.id, this.owner, {
        status: 'failed',
        reply,
        at: this.deps.clock.now().toISOString(),
      });
      return false;
    }
    try {
      await this.transport.send({
        from: this.options.from,
        to: message.recipient,
        subject: message.subject,
        text: message.text,
        html: message.html,
      });
      await settleDelivery(this.deps, message.id, this.owner, {
        status: 'sent',
        reply: '250 accepted',
        at: this.deps.clock.now().toISOString(),
      });
      return true;
    } catch (error) {
      const failure = error as SmtpFailure;
      const reply = failure.response ?? [failure.code, failure.message].filter(Boolean).join(': ');
      const now = this.deps.clock.now();
      const permanent = (failure.responseCode ?? 0) >= 500 || message.attempts >= this.#maxAttempts;
      await settleDelivery(this.deps, message.id, this.owner, {
        status: permanent ? 'failed' : 'deferred',
        reply: reply || 'delivery failed',
        at: now.toISOString(),
        nextAttemptAt: new Date(now.getTime() + retryDelayMs(message.attempts)).toISOString(),
      });
      return false;
    }
  }

  /** Runs passes in the background until `stop`. A failing pass (database down) is retried next time. */
  start(onError: (error: unknown) => void = () => {}): void {
    this.#poller.start(onError);
  }

  /** Stops polling, waits for the pass in progress, closes the transport. */
  async stop(): Promise<void> {
    await this.#poller.stop();
    this.transport.close();
  }
}

/**
 * The sender `serve` runs: with `SMTP_URL` set, delivers the outbox in the background;
 * without it, returns null and mail stays in the outbox (read it with `gatehouse outbox`).
 */
export function startMailDelivery(
  deps: SenderDeps & Pick<Deps, 'delivery'>,
  log: { info(message: string): void; error(object: object, message: string): void },
): MailSender | null {
  const { smtpUrl, mailFrom } = deps.delivery;
  if (!smtpUrl) {
    log.info('SMTP_URL is not set: mail stays in the outbox (gatehouse outbox list).');
    return null;
  }
  const sender = new MailSender(deps, smtpTransport(smtpUrl), { from: mailFrom });
  sender.start((error) => log.error({ err: error }, 'mail delivery pass failed'));
  log.info(`Delivering mail through ${new URL(smtpUrl).host} as ${mailFrom}.`);
  return sender;
}
