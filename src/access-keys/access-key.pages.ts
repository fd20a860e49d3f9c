import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox, csrfField, page, relativeTime } from '../web/layout.ts';
import type { Principal } from '../identities/principal.ts';
import type { AccessKeysView } from './access-key-access.ts';
import type { AccessKeyRecord } from './access-key.repository.ts';
import { MAX_ACCESS_KEYS, type NewAccessKey } from './access-key.service.ts';

export interface KeysCardOptions {
  keys: AccessKeyRecord[];
  csrf: string;
  now: Date;
  /** Where the card's forms post: `/console/security-credentials/access-keys` or `/console/users/<name>/access-keys`. */
  actionBase: string;
  /** Whose keys, for the heading: null for "your". */
  userName: string | null;
  isRoot: boolean;
  /** Which forms to show: each is the decision its handler makes. */
  mayCreate: boolean;
  mayUpdate: boolean;
  mayDelete: boolean;
}

function lastUsed(key: AccessKeyRecord, now: Date): string {
  if (!key.lastUsedAt) return 'Never used';
  return `${relativeTime(key.lastUsedAt, now)} (${key.lastUsedService ?? 'N/A'}, ${key.lastUsedRegion ?? 'N/A'})`;
}

/** The "Access keys" card: the keys (never their secrets), and the forms to create, deactivate and delete them. */
export function accessKeysCard(o: KeysCardOptions): SafeHtml {
  const atLimit = o.keys.length >= MAX_ACCESS_KEYS;
  const actions = o.mayUpdate || o.mayDelete;
  return html`<section class="card" id="access-keys">
  <h2>Access keys</h2>
  ${
    o.isRoot
      ? alertBox(
          'Root user access keys can do everything in the account, and cannot be limited by any policy. Create an IAM user for programs and give its keys only what they need; keep root keys only if you truly must.',
          'warning',
        )
      : ''
  }
  <p class="muted">Access keys sign requests to the AWS-compatible API (AWS SDKs and CLI). At most ${MAX_ACCESS_KEYS} per user, active or inactive.</p>
  ${
    o.keys.length === 0
      ? html`<p>${o.userName ? `${o.userName} has` : 'You have'} no access keys.</p>`
      : html`<table>
    <thead><tr><th scope="col">Access key ID</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Last used</th>${actions ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
    <tbody>${o.keys.map(
      (k) =>
        html`<tr><td><code>${k.id}</code></td><td>${k.status}</td><td>${relativeTime(k.createdAt, o.now)}</td><td>${lastUsed(k, o.now)}</td>${
          actions
            ? html`<td>
        ${o.mayUpdate ? html`<form method="post" action="${o.actionBase}/${k.id}/status" class="inline-form">${csrfField(o.csrf)}<input type="hidden" name="status" value="${k.status === 'Active' ? 'Inactive' : 'Active'}"><button type="submit" class="link">${k.status === 'Active' ? 'Deactivate' : 'Activate'}</button></form>` : ''}
        ${o.mayDelete ? html`<form method="post" action="${o.actionBase}/${k.id}/delete" class="inline-form">${csrfField(o.csrf)}<button type="submit" class="link danger">Delete</button></form>` : ''}
      </td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table>`
  }
  ${
    o.mayCreate
      ? atLimit
        ? html`<p class="muted">Delete a key before creating another.</p>`
        : html`<form method="post" action="${o.actionBase}">${csrfField(o.csrf)}<button type="submit">Create access key</button></form>`
      : ''
  }
</section>`;
}

/** Shown once, right after creation: the only time the secret can be seen. */
export function newKeyPage(principal: Principal, csrf: string, key: NewAccessKey, backTo: string): string {
  return page({
    title: 'Access key created',
    principal,
    csrf,
    body: html`<h1>Access key created</h1>
${alertBox('This is the only time the secret access key can be seen. Copy it now and keep it somewhere safe; if it is lost, create a new key and delete this one.', 'warning')}
<section class="card">
  <dl class="facts">
    <dt>User</dt><dd>${key.owner.userName ?? 'Root user'}</dd>
    <dt>Access key ID</dt><dd><code>${key.accessKeyId}</code></dd>
    <dt>Secret access key</dt><dd><code>${key.secretAccessKey}</code></dd>
  </dl>
  <p><a class="button" href="${backTo}">Done</a></p>
</section>`,
  });
}

/** The Access keys card of the Security credentials page: the signed-in principal's own keys. */
export function ownAccessKeysCard(view: AccessKeysView, principal: Principal, csrf: string, now: Date): SafeHtml {
  return accessKeysCard({
    ...view,
    csrf,
    now,
    actionBase: '/console/security-credentials/access-keys',
    userName: null,
    isRoot: principal.type === 'root',
  });
}

/** The Access keys card of an administrator's view of a user. */
export function userAccessKeysCard(view: AccessKeysView, userName: string, csrf: string, now: Date): SafeHtml {
  return accessKeysCard({
    ...view,
    csrf,
    now,
    actionBase: `/console/users/${encodeURIComponent(userName)}/access-keys`,
    userName,
    isRoot: false,
  });
}
