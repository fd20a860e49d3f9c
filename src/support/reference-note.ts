import { type SafeHtml, html } from '../shared/html.ts';

/** A failure's support reference: random, it means something only to the account's administrators. */
export function referenceNote(reference: string | undefined): SafeHtml {
  if (!reference) return html``;
  return html`<p class="muted reference">Ref ${reference} — quote it if you ask your administrator or support for help.</p>`;
}
