import { html } from '../shared/html.ts';
import { referenceNote } from '../support/reference-note.ts';
import { alertBox, csrfField, page } from '../web/layout.ts';

export function unlockPage(csrf: string, token: string): string {
  return page({
    title: 'Lift the sign-in stop',
    body: html`<section class="card narrow">
  <h1>Lift the sign-in stop</h1>
  <p>Password sign-in to your root user stopped after many wrong passwords in a row. Lifting the stop lets sign-in go on; your password stays as it is.</p>
  <p>If those attempts were not yours, also choose a new, long password after signing in, and turn on MFA.</p>
  <form method="post" action="/signin/unlock">
    ${csrfField(csrf)}
    <input type="hidden" name="token" value="${token}">
    <button type="submit">Lift the stop</button>
  </form>
</section>`,
  });
}

export function unlockDonePage(): string {
  return page({
    title: 'Sign-in stop lifted',
    body: html`<section class="card narrow">
  <h1>Sign-in stop lifted</h1>
  ${alertBox('You can sign in again with your password.', 'success')}
  <p><a class="button" href="/signin?choose=1">Sign in</a></p>
</section>`,
  });
}

export function unlockInvalidPage(reference: string): string {
  return page({
    title: 'Link no longer valid',
    body: html`<section class="card narrow">
  <h1>Link no longer valid</h1>
  ${alertBox('This link is no longer valid: it was used already or is more than a day old.')}
  <p>Browsers where you signed in before can still sign in. Each new stop sends a new link.</p>
  ${referenceNote(reference)}
</section>`,
  });
}
