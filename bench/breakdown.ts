/** Timing of the pieces of one request, for the `*-breakdown.ts` scripts. */
import { markdownTable, percentile, round } from './stats.ts';

export interface Piece {
  name: string;
  run(): Promise<unknown> | unknown;
}

/** µs per call (CPU and wall) of one batch of `count` sequential calls. */
async function batch(piece: Piece, count: number): Promise<{ cpuUs: number; wallUs: number }> {
  const cpu = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < count; i++) await piece.run();
  const used = process.cpuUsage(cpu);
  return { cpuUs: (used.user + used.system) / count, wallUs: ((performance.now() - wall) * 1000) / count };
}

/**
 * Pieces are timed in interleaved rounds and each piece's median round is kept, so a
 * burst of work elsewhere on the machine spoils a round of every piece, not one piece.
 */
export async function timeAll(
  pieces: Piece[],
  iterations: number,
  rounds: number,
): Promise<Array<{ cpuUs: number; wallUs: number }>> {
  const perRound = Math.max(1, Math.round(iterations / rounds));
  for (const piece of pieces) await batch(piece, Math.min(2000, iterations));
  const samples = pieces.map(() => [] as Array<{ cpuUs: number; wallUs: number }>);
  for (let round = 0; round < rounds; round++) {
    for (const [i, piece] of pieces.entries()) {
      samples[i]!.push(await batch(piece, perRound));
      // Timers run between batches: the invalidation feed keeps polling, so caches keep serving as in a server.
      await new Promise((resolve) => setImmediate(resolve));
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  return samples.map((list) => ({
    cpuUs: percentile(
      list.map((s) => s.cpuUs).sort((a, b) => a - b),
      0.5,
    ),
    wallUs: percentile(
      list.map((s) => s.wallUs).sort((a, b) => a - b),
      0.5,
    ),
  }));
}

/** Times `pieces` (`timeAll`) and prints their table: CPU and wall µs per call. */
export async function printBreakdown(pieces: Piece[], iterations: number, rounds: number): Promise<void> {
  const timings = await timeAll(pieces, iterations, rounds);
  const rows = pieces.map((piece, i) => [piece.name, round(timings[i]!.cpuUs, 1), round(timings[i]!.wallUs, 1)]);
  console.log(markdownTable(['piece', 'CPU µs/call', 'wall µs/call'], rows));
}
