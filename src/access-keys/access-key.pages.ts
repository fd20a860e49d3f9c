import { type SafeHtml, html } from '../shared/html.ts';
import { copyScript, copyable, screenReaderText } from '../web/fragments.ts';
import { alertBox, csrfField, page, relativeTime } from '../web/layout.ts';
import type { Principal } from '../identities/principal.ts';
import type { AccessKeysView } from './access-key-access.ts';
import { type RotationPlan, type RotationStep, rotationPlan } from './access-key-rotation.ts';
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

type RotationTask = RotationStep | 'move';

/** The steps of a rotation, in order; moving the programs is the person's own step. */
const ROTATION_STEPS: ReadonlyArray<[RotationTask, string]> = [
  ['create-second', 'Create a second access key.'],
  ['move', 'Put the new key in your programs and check they work: its Last used fills in.'],
  ['deactivate-old', 'Deactivate the old key. Anything still using it fails, and you can activate it again.'],
  ['delete-old', 'Delete the old key once nothing broke.'],
];

/** The rotation checklist: done steps, the current one (its button is the highlighted one), the rest. */
function rotationChecklist(plan: RotationPlan): SafeHtml {
  // Moving programs is something only the person can do: it is current while the new key is unused.
  const current: RotationTask = plan.step === 'deactivate-old' && !plan.newKeyUsed ? 'move' : plan.step;
  const at = ROTATION_STEPS.findIndex(([task]) => task === current);
  return html`<details class="rotation"${plan.step === 'create-second' ? '' : html` open`}>
    <summary>Rotate ${plan.oldKeyId}</summary>
    <ol>${ROTATION_STEPS.map(([, text], i) => {
      const state = i < at ? 'done' : i === at ? 'current' : 'todo';
      return html`<li class="${state}"${state === 'current' ? html` aria-current="step"` : ''}>${text}${state === 'done' ? screenReaderText(' (done)') : state === 'current' ? screenReaderText(' (next step)') : ''}</li>`;
    })}</ol>
  </details>`;
}

/** The "Access keys" card: the keys (never their secrets), the forms to create, deactivate and delete them, and the rotation steps. */
export function accessKeysCard(o: KeysCardOptions): SafeHtml {
  const atLimit = o.keys.length >= MAX_ACCESS_KEYS;
  const actions = o.mayUpdate || o.mayDelete;
  const plan = o.mayCreate || actions ? rotationPlan(o.keys) : null;
  // The button of the current rotation step is the primary one; the others are secondary.
  const primary = (step: RotationStep, keyId: string | null) =>
    plan?.step === step && (keyId === null || plan.oldKeyId === keyId) ? '' : 'secondary';
  return html`<section class="card" id="access-keys" aria-labelledby="access-keys-heading">
  <h2 id="access-keys-heading">Access keys</h2>
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
      : html`<div class="table-scroll"><table>
    <thead><tr><th scope="col">Access key ID</th><th scope="col">Status</th><th scope="col">Created</th><th scope="col">Last used</th>${actions ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
    <tbody>${o.keys.map(
      (k) =>
        html`<tr><td><code>${k.id}</code></td><td>${k.status}</td><td>${relativeTime(k.createdAt, o.now)}</td><td>${lastUsed(k, o.now)}</td>${
          actions
            ? html`<td class="key-actions">
        ${o.mayUpdate ? html`<form method="post" action="${o.actionBase}/${k.id}/status" class="inline-form">${csrfField(o.csrf)}<input type="hidden" name="status" value="${k.status === 'Active' ? 'Inactive' : 'Active'}"><button type="submit" class="${k.status === 'Active' ? primary('deactivate-old', k.id) : 'secondary'}">${k.status === 'Active' ? 'Deactivate' : 'Activate'}${screenReaderText(` ${k.id}`)}</button></form>` : ''}
        ${o.mayDelete ? html`<form method="get" action="${o.actionBase}/${k.id}/delete" class="inline-form"><button type="submit" class="${primary('delete-old', k.id) === '' ? 'danger' : 'secondary'}">Delete${screenReaderText(` ${k.id}`)}…</button></form>` : ''}
      </td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table></div>`
  }
  ${plan ? rotationChecklist(plan) : ''}
  ${
    o.mayCreate
      ? atLimit
        ? html`<p class="limit-note">${o.userName ? `${o.userName} has` : 'You have'} ${MAX_ACCESS_KEYS} access keys, the most anyone may have (active or inactive, as in AWS). To create another, deactivate the key you are retiring, check nothing broke, and delete it.</p>`
        : html`<form method="post" action="${o.actionBase}">${csrfField(o.csrf)}<button type="submit" class="${o.keys.length === 0 ? '' : primary('create-second', null)}">Create access key</button></form>`
      : ''
  }
</section>`;
}

/** The environment and `aws configure` lines for a key, with the endpoint the AWS CLI and SDKs must use. */
export function keySnippets(key: { accessKeyId: string; secretAccessKey: string }, endpoint: string) {
  const profile = 'gatehouse';
  return {
    environment: [
      `export AWS_ACCESS_KEY_ID=${key.accessKeyId}`,
      `export AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`,
      'export AWS_DEFAULT_REGION=us-east-1',
      `export AWS_ENDPOINT_URL=${endpoint}`,
      'aws sts get-caller-identity',
    ].join('\n'),
    configure: [
      `aws configure set aws_access_key_id ${key.accessKeyId} --profile ${profile}`,
      `aws configure set aws_secret_access_key ${key.secretAccessKey} --profile ${profile}`,
      `aws configure set region us-east-1 --profile ${profile}`,
      `aws configure set endpoint_url ${endpoint} --profile ${profile}`,
      `aws sts get-caller-identity --profile ${profile}`,
    ].join('\n'),
  };
}

/**
 * Shown once, right after creation: the only time the secret can be seen. The `.csv`
 * download is offered here only, once (`csvAction` consumes the one-time handoff).
 */
export function newKeyPage(o: {
  principal: Principal;
  csrf: string;
  key: NewAccessKey;
  backTo: string;
  endpoint: string;
  csvAction: string;
}): string {
  const { key } = o;
  const snippets = keySnippets(key, o.endpoint);
  return page({
    title: 'Access key created',
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>Access key created</h1>
${alertBox('This is the only time the secret access key can be seen. Copy it now and keep it somewhere safe; if it is lost, create a new key and delete this one.', 'warning')}
<section class="card" aria-labelledby="key-heading">
  <h2 id="key-heading">The new key</h2>
  <dl class="facts details">
    <dt>User</dt><dd>${key.owner.userName ?? 'Root user'}</dd>
    <dt>Access key ID</dt><dd>${copyable({ value: key.accessKeyId, label: 'access key ID' })}</dd>
    <dt>Secret access key</dt><dd>${copyable({ value: key.secretAccessKey, label: 'secret access key' })}</dd>
  </dl>
  <div class="button-row"><form method="post" action="${o.csvAction}" class="inline-form">${csrfField(o.csrf)}<button type="submit" class="secondary">Download .csv</button></form></div>
</section>
<section class="card" aria-labelledby="use-heading">
  <h2 id="use-heading">Use it with the AWS CLI or an SDK</h2>
  <p>Gatehouse answers at <code>${o.endpoint}</code>: point the CLI or SDK there (<code>AWS_ENDPOINT_URL</code>), with any region.</p>
  <h3>Environment variables</h3>
  ${copyable({ value: snippets.environment, label: 'environment variables', block: true })}
  <h3>A profile with <code>aws configure</code></h3>
  ${copyable({ value: snippets.configure, label: 'aws configure commands', block: true })}
  <p class="hint">Both hold the secret: keep them out of shell history and shared files where you can (e.g. start the line with a space, or use a password manager).</p>
</section>
<p><a class="button" href="${o.backTo}">Done</a></p>
${copyScript()}`,
  });
}

/** The question before a key is deleted. */
export function deleteKeyExplanation(key: AccessKeyRecord, now: Date): SafeHtml {
  return html`<p>Programs using <code>${key.id}</code> stop working at once, and the key cannot be brought back.</p>
  <p>It is ${key.status === 'Active' ? html`<strong>active</strong>` : 'inactive'} and was ${key.lastUsedAt ? `last used ${relativeTime(key.lastUsedAt, now)} (${key.lastUsedService ?? 'N/A'}, ${key.lastUsedRegion ?? 'N/A'})` : 'never used'}.${key.status === 'Active' ? ' Deactivate it first to check that nothing still needs it.' : ''}</p>`;
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
