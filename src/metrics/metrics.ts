import type { PasswordHasher } from '../passwords/password-hasher.ts';

/** Outcomes a sign-in attempt is counted under. */
export type SignInOutcome = 'success' | 'failure' | 'throttled' | 'check_required' | 'overloaded';

/**
 * Counters for `/metrics`, per process (each instance is scraped on its own, as Prometheus
 * expects). Only counts and gauges: never an identifier, address or secret.
 */
export class Metrics {
  readonly signIns = new Map<SignInOutcome, number>();
  readonly throttled = new Map<string, number>();
  checksIssued = 0;
  checksSolved = 0;
  checksRefused = 0;

  signIn(outcome: SignInOutcome): void {
    this.signIns.set(outcome, (this.signIns.get(outcome) ?? 0) + 1);
  }

  /** `layer` names what stopped the attempt: source, network, identifier, recovery. */
  throttle(layer: string): void {
    this.throttled.set(layer, (this.throttled.get(layer) ?? 0) + 1);
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  render(hasher: PasswordHasher): string {
    const lines: string[] = [];
    const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[string, number]>) => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
      for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
    };
    const outcomes: SignInOutcome[] = ['success', 'failure', 'throttled', 'check_required', 'overloaded'];
    family('gatehouse_signins_total', 'counter', 'Password sign-in attempts by outcome.',
      outcomes.map((o) => [`{outcome="${o}"}`, this.signIns.get(o) ?? 0]));
    family('gatehouse_throttled_total', 'counter', 'Attempts refused by a throttle, by layer.',
      [...this.throttled].map(([layer, n]) => [`{layer="${layer}"}`, n]));
    family('gatehouse_security_checks_issued_total', 'counter', 'Security-check challenges issued.', [['', this.checksIssued]]);
    family('gatehouse_security_checks_solved_total', 'counter', 'Security checks presented and accepted.', [['', this.checksSolved]]);
    family('gatehouse_security_checks_refused_total', 'counter', 'Security checks presented and refused (expired, replayed, invalid).', [['', this.checksRefused]]);
    family('gatehouse_hash_queue_depth', 'gauge', 'Password hashes waiting for a slot.', [['', hasher.queued]]);
    family('gatehouse_hash_active', 'gauge', 'Password hashes running now.', [['', hasher.active]]);
    return lines.join('\n') + '\n';
  }
}
