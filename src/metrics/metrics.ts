import type { PasswordHasher } from '../passwords/password-hasher.ts';

/** Outcomes a sign-in attempt is counted under. */
export type SignInOutcome = 'success' | 'failure' | 'throttled' | 'check_required' | 'overloaded';

/**
 * Counters for `/metrics`, per instance (each instance is scraped on its own, as Prometheus
 * expects; the workers of one `serve --workers` instance are added up, see cluster-metrics.ts).
 * Only counts and gauges: never an identifier, address or secret.
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

  /** The counts now, as plain data (what a cluster worker hands the primary to add up). */
  snapshot(hasher: Pick<PasswordHasher, 'queued' | 'active'>): MetricsSnapshot {
    return {
      signIns: Object.fromEntries(this.signIns),
      throttled: Object.fromEntries(this.throttled),
      checksIssued: this.checksIssued,
      checksSolved: this.checksSolved,
      checksRefused: this.checksRefused,
      hashQueued: hasher.queued,
      hashActive: hasher.active,
    };
  }

  /** The Prometheus text exposition format (version 0.0.4). */
  render(hasher: Pick<PasswordHasher, 'queued' | 'active'>): string {
    return renderMetrics(this.snapshot(hasher));
  }
}

export interface MetricsSnapshot {
  signIns: Partial<Record<SignInOutcome, number>>;
  throttled: Record<string, number>;
  checksIssued: number;
  checksSolved: number;
  checksRefused: number;
  hashQueued: number;
  hashActive: number;
}

/** Several processes' counts as one: counters and gauges both add up. */
export function sumSnapshots(snapshots: MetricsSnapshot[]): MetricsSnapshot {
  const total: MetricsSnapshot = {
    signIns: {},
    throttled: {},
    checksIssued: 0,
    checksSolved: 0,
    checksRefused: 0,
    hashQueued: 0,
    hashActive: 0,
  };
  for (const s of snapshots) {
    for (const [k, v] of Object.entries(s.signIns))
      total.signIns[k as SignInOutcome] = (total.signIns[k as SignInOutcome] ?? 0) + (v ?? 0);
    for (const [k, v] of Object.entries(s.throttled)) total.throttled[k] = (total.throttled[k] ?? 0) + v;
    total.checksIssued += s.checksIssued;
    total.checksSolved += s.checksSolved;
    total.checksRefused += s.checksRefused;
    total.hashQueued += s.hashQueued;
    total.hashActive += s.hashActive;
  }
  return total;
}

export function renderMetrics(s: MetricsSnapshot): string {
  const lines: string[] = [];
  const family = (name: string, type: 'counter' | 'gauge', help: string, samples: Array<[string, number]>) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) lines.push(`${name}${labels} ${value}`);
  };
  const outcomes: SignInOutcome[] = ['success', 'failure', 'throttled', 'check_required', 'overloaded'];
  family(
    'gatehouse_signins_total',
    'counter',
    'Password sign-in attempts by outcome.',
    outcomes.map((o) => [`{outcome="${o}"}`, s.signIns[o] ?? 0]),
  );
  family(
    'gatehouse_throttled_total',
    'counter',
    'Attempts refused by a throttle, by layer.',
    Object.entries(s.throttled).map(([layer, n]) => [`{layer="${layer}"}`, n]),
  );
  family('gatehouse_security_checks_issued_total', 'counter', 'Security-check challenges issued.', [
    ['', s.checksIssued],
  ]);
  family('gatehouse_security_checks_solved_total', 'counter', 'Security checks presented and accepted.', [
    ['', s.checksSolved],
  ]);
  family(
    'gatehouse_security_checks_refused_total',
    'counter',
    'Security checks presented and refused (expired, replayed, invalid).',
    [['', s.checksRefused]],
  );
  family('gatehouse_hash_queue_depth', 'gauge', 'Password hashes waiting for a slot.', [['', s.hashQueued]]);
  family('gatehouse_hash_active', 'gauge', 'Password hashes running now.', [['', s.hashActive]]);
  return `${lines.join('\n')}\n`;
}
