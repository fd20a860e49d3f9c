import type { Principal } from '../identities/principal.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox, csrfField, page, relativeTime } from './layout.ts';

/**
 * Small pieces console pages share: long values that wrap where they should, times,
 * text for screen readers, copy buttons, page links and the confirmation page every
 * destructive action goes through.
 */

/** An ARN that may wrap after each `:` and `/`, never inside a name. */
export function arnText(arn: string): SafeHtml {
  return html`<span class="arn">${arn.split(/(?<=[:/])/).map((part) => html`${part}<wbr>`)}</span>`;
}

/** A name that may wrap between its words (`IAM<wbr>Read<wbr>Only<wbr>Access`), so a narrow table keeps its buttons in view. */
export function nameText(name: string): SafeHtml {
  return html`${name.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[-_.+=,@])/).map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}`;
}

/** A past moment, in words, with the exact time for those who hover or read it out. */
export function timeAgo(iso: string, now: Date): SafeHtml {
  return html`<time datetime="${iso}" title="${iso}">${relativeTime(iso, now)}</time>`;
}

/** Text for screen readers only, e.g. which row a "Remove" button belongs to. */
export function screenReaderText(text: string): SafeHtml {
  return html`<span class="visually-hidden">${text}</span>`;
}

/**
 * A value with a Copy button after it. The button is hidden until `/static/copy-buttons.js`
 * runs, so without script the page shows the value to select by hand and no dead control.
 */
export function copyable(o: { value: string; label: string; block?: boolean }): SafeHtml {
  const value = o.block ? html`<pre class="snippet">${o.value}</pre>` : html`<code>${o.value}</code>`;
  return html`${value} <button type="button" class="secondary copy" data-copy hidden>Copy${screenReaderText(` ${o.label}`)}</button>`;
}

/** The script behind `copyable`, and the live region it reports to. Once per page, at the end. */
export function copyScript(): SafeHtml {
  return html`<p class="visually-hidden" role="status" id="copy-status"></p>
<script src="/static/copy-buttons.js" defer></script>`;
}

/** Links to the previous and next page of a list, keeping its other query parameters. */
export function pager(o: {
  base: string;
  query: Record<string, string>;
  page: number;
  pages: number;
  total: number;
  noun: string;
}): SafeHtml {
  if (o.pages <= 1) return html``;
  const href = (n: number) => `${o.base}?${new URLSearchParams({ ...o.query, page: String(n) }).toString()}`;
  return html`<nav class="pager" aria-label="Pages of ${o.noun}">
    ${o.page > 1 ? html`<a href="${href(o.page - 1)}" rel="prev">Previous page</a>` : ''}
    <span>Page ${o.page} of ${o.pages} (${o.total} ${o.noun})</span>
    ${o.page < o.pages ? html`<a href="${href(o.page + 1)}" rel="next">Next page</a>` : ''}
  </nav>`;
}

export interface Crumb {
  href: string;
  label: string;
}

export function breadcrumbs(crumbs: Crumb[]): SafeHtml {
  return html`<nav class="breadcrumb" aria-label="Breadcrumb">${crumbs.map(
    (c, i) => html`${i > 0 ? ' / ' : ''}<a href="${c.href}">${c.label}</a>`,
  )}</nav>`;
}

/**
 * A destructive action's confirmation, as a page of its own so it works without
 * JavaScript: what will happen, the form that does it, and the way back.
 */
export function confirmationPage(o: {
  principal: Principal;
  csrf: string;
  title: string;
  crumbs: Crumb[];
  explanation: SafeHtml | string;
  action: string;
  fields?: Record<string, string>;
  button: string;
  cancel: string;
  error?: string | undefined;
}): string {
  return page({
    title: o.title,
    principal: o.principal,
    csrf: o.csrf,
    body: html`${breadcrumbs(o.crumbs)}
<section class="card narrow confirm">
  <h1>${o.title}</h1>
  ${alertBox(o.error)}
  ${typeof o.explanation === 'string' ? html`<p>${o.explanation}</p>` : o.explanation}
  <form method="post" action="${o.action}">
    ${csrfField(o.csrf)}
    ${Object.entries(o.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button type="submit" class="danger">${o.button}</button>
    <a href="${o.cancel}" class="cancel">Cancel</a>
  </form>
</section>`,
  });
}
