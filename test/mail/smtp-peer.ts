import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

type Mode = 'accept' | 'refuse-451' | 'refuse-550' | 'stall';

/**
 * A real SMTP server for tests (smtp-server), reading what arrives with mailparser.
 * It can accept, refuse recipients (451 try later / 550 no such user), or stall in
 * DATA until the test lets go.
 */
export class SmtpPeer {
  readonly received: ParsedMail[] = [];
  mode: Mode = 'accept';
  readonly #stalled: Array<(error?: Error) => void> = [];
  #stallWaiters: Array<() => void> = [];
  #server: SMTPServer | undefined;
  port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(port = 0): Promise<void> {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onRcptTo: (_address, _session, callback) => {
        if (this.mode === 'refuse-451')
          return callback(Object.assign(new Error('Mailbox busy, try again later'), { responseCode: 451 }));
        if (this.mode === 'refuse-550')
          return callback(Object.assign(new Error('No such user here'), { responseCode: 550 }));
        callback();
      },
      onData: (stream, _session, callback) => {
        if (this.mode === 'stall') {
          stream.resume();
          this.#stalled.push(callback);
          for (const wake of this.#stallWaiters.splice(0)) wake();
          return;
        }
        simpleParser(stream)
          .then((mail) => {
            this.received.push(mail);
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      this.#server!.once('error', reject);
      this.#server!.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.#server.server.address() as AddressInfo).port;
  }

  /** Resolves once a message is held in DATA. */
  async stalledMessage(): Promise<void> {
    if (this.#stalled.length > 0) return;
    await new Promise<void>((resolve) => this.#stallWaiters.push(resolve));
  }

  /** Answers every held message: 451 (or accepts when `accept`). */
  release(accept = false): void {
    for (const callback of this.#stalled.splice(0)) {
      callback(
        accept ? undefined : Object.assign(new Error('Timed out waiting, try again later'), { responseCode: 451 }),
      );
    }
  }

  async stop(): Promise<void> {
    this.release();
    if (this.#server) await new Promise<void>((resolve) => this.#server!.close(() => resolve()));
    this.#server = undefined;
  }
}
