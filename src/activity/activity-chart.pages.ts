import { type SafeHtml, html } from '../shared/html.ts';
import type { Bucket } from './activity.service.ts';

/**
 * Sign-ins (green) and failures (red) over time as an inline SVG drawn by the server:
 * no script, nothing fetched from elsewhere. Each bar carries a <title> for a tooltip
 * and screen readers; the table under it has the same numbers.
 */
export function signInChart(buckets: Bucket[]): SafeHtml {
  const W = 720;
  const H = 160;
  const pad = 24;
  const max = Math.max(1, ...buckets.map((b) => Math.max(b.success, b.failure)));
  const slot = (W - pad * 2) / Math.max(1, buckets.length);
  const bar = Math.max(1, slot / 2 - 1);
  const y = (n: number) => H - pad - (n / max) * (H - pad * 2);
  const bars = buckets.map((b, i) => {
    const x = pad + i * slot;
    return html`<g><rect x="${x.toFixed(1)}" y="${y(b.success).toFixed(1)}" width="${bar.toFixed(1)}" height="${(H - pad - y(b.success)).toFixed(1)}" fill="#2da44e"><title>${b.start}: ${b.success} sign-ins</title></rect><rect x="${(x + bar).toFixed(1)}" y="${y(b.failure).toFixed(1)}" width="${bar.toFixed(1)}" height="${(H - pad - y(b.failure)).toFixed(1)}" fill="#cf222e"><title>${b.start}: ${b.failure} failures</title></rect></g>`;
  });
  const first = buckets[0]?.start.slice(0, 16).replace('T', ' ') ?? '';
  const last = buckets.at(-1)?.start.slice(0, 16).replace('T', ' ') ?? '';
  return html`<figure class="chart">
<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="100%" role="img" aria-label="Sign-ins and failures over time">
  <line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="#57606a"/>
  <text x="${pad}" y="14" font-size="11" fill="#57606a">max ${max}</text>
  ${bars}
  <text x="${pad}" y="${H - 6}" font-size="11" fill="#57606a">${first} UTC</text>
  <text x="${W - pad}" y="${H - 6}" font-size="11" fill="#57606a" text-anchor="end">${last} UTC</text>
</svg>
<figcaption>${swatch('#2da44e')} sign-ins · ${swatch('#cf222e')} failures · times in UTC</figcaption>
</figure>`;
}

/** A legend square; an SVG attribute, since the Content-Security-Policy forbids inline styles. */
function swatch(colour: string): SafeHtml {
  return html`<svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${colour}"/></svg>`;
}
