import type { Principal } from '../identities/principal.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox, arnText, csrfField, field, page, relativeTime, scrollingTable } from '../web/layout.ts';
import { FEW_RECOVERY_CODES } from './recovery-codes.service.ts';
import type { MfaDevice } from './mfa.repository.ts';
import type { MfaForms } from './mfa-console.service.ts';
import { MAX_DEVICES_PER_PRINCIPAL, deviceTypeLabel } from './mfa.service.ts';

function typeName(device: MfaDevice): string {
  const label = deviceTypeLabel(device);
  return label[0]!.toUpperCase() + label.slice(1);
}

/** The MFA part of the Security credentials page: devices, add buttons, recovery codes. */
export function mfaSection(
  csrf: string,
  principal: Principal,
  devices: MfaDevice[],
  codes: { total: number; unused: number },
  now: Date,
  may: MfaForms,
): SafeHtml {
  const full = devices.length >= MAX_DEVICES_PER_PRINCIPAL;
  const actions = may.remove || may.resync;
  const mayAdd = may.addAuthenticator || may.enable;
  return html`<section class="card" id="mfa">
  <h2>Multi-factor authentication (MFA)</h2>
  ${
    principal.type === 'root' && devices.length === 0
      ? alertBox(
          'The root user can do anything in this account. Add an MFA device so a stolen password alone cannot sign in as root.',
          'warning',
        )
      : ''
  }
  <p class="muted">Up to ${MAX_DEVICES_PER_PRINCIPAL} devices, any mix of authenticator apps and security keys or passkeys. Sign-in asks for any one of them.</p>
  ${
    devices.length === 0
      ? html`<p>No MFA devices yet.</p>`
      : scrollingTable(
          'Your MFA devices',
          html`<table>
    <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Added</th><th scope="col">Last used</th>${actions ? html`<th scope="col"><span class="muted">Action</span></th>` : ''}</tr></thead>
    <tbody>${devices.map(
      (
        d,
      ) => html`<tr><td>${d.name}<br><span class="muted">${arnText(d.serial)}</span></td><td>${typeName(d)}</td><td>${relativeTime(d.enabledAt ?? d.createdAt, now)}</td><td>${d.lastUsedAt ? relativeTime(d.lastUsedAt, now) : 'Never'}</td>
${
  actions
    ? html`<td>${may.remove ? html`<a href="/console/mfa/devices/${d.id}/remove" aria-label="Remove ${d.name}">Remove</a>` : ''}
${may.resync && d.kind === 'totp' ? html` <a href="/console/mfa/devices/${d.id}/resync" aria-label="Resync ${d.name}">Resync</a>` : ''}</td>`
    : ''
}</tr>`,
    )}</tbody>
  </table>`,
        )
  }
  ${
    !mayAdd
      ? html`<p class="muted">Your policies do not let you add MFA devices. Ask an administrator of this account for iam:CreateVirtualMFADevice and iam:EnableMFADevice.</p>`
      : full
        ? html`<p class="muted">You have the most devices allowed. Remove one to add another.</p>`
        : html`<h3>Add an MFA device</h3>
  ${
    may.addAuthenticator
      ? html`<form method="post" action="/console/mfa/authenticator" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Device name', name: 'name', value: may.suggestedName, hint: 'A name to tell your devices apart, e.g. my-phone. Letters, digits and + = , . @ _ -' })}
    <button type="submit">Add authenticator app</button>
  </form>`
      : ''
  }
  ${may.enable ? html`<p><a href="/console/mfa/security-key">Add a security key or passkey</a></p>` : ''}`
  }
  <h3>Recovery codes</h3>
  ${
    codes.total === 0
      ? html`<p>No recovery codes. Recovery codes let you sign in if you lose your MFA devices.</p>`
      : html`<p>${codes.unused} of ${codes.total} recovery codes left.</p>`
  }
  ${
    codes.total > 0 && codes.unused <= FEW_RECOVERY_CODES
      ? alertBox(
          `Only ${codes.unused} recovery code${codes.unused === 1 ? '' : 's'} left.${may.enable ? ' Create new ones.' : ''}`,
          'warning',
        )
      : ''
  }
  ${
    may.enable
      ? html`<form method="post" action="/console/mfa/recovery-codes">
    ${csrfField(csrf)}
    <button type="submit" class="secondary">${codes.total === 0 ? 'Create recovery codes' : 'Create new recovery codes'}</button>
  </form>`
      : ''
  }
</section>`;
}

/**
 * Removing one of your own MFA devices: the person proves again who they are, with the
 * current password or a code from another of their authenticator apps.
 */
export function removeDevicePage(
  principal: Principal,
  csrf: string,
  device: MfaDevice,
  otherApps: MfaDevice[],
  error?: string,
): string {
  return page({
    title: 'Remove an MFA device',
    principal,
    csrf,
    body: html`<h1>Remove ${device.name}</h1>
<section class="card">
  <p>Removing a ${deviceTypeLabel(device)} takes away one way to prove it is you at sign-in. To make sure it is you asking, prove it again.</p>
  ${alertBox(error)}
  <form method="post" action="/console/mfa/devices/${device.id}/remove" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: false, autofocus: true })}
    ${
      otherApps.length > 0
        ? html`<p>Or enter a code from another of your authenticator apps:</p>
    <div class="field">
      <label for="f-proofDevice">Authenticator app</label>
      <select id="f-proofDevice" name="proofDevice">${otherApps.map((d) => html`<option value="${d.id}">${d.name}</option>`)}</select>
    </div>
    ${field({ label: 'MFA code', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: false })}`
        : ''
    }
    <button type="submit" class="danger">Remove ${device.name}</button>
  </form>
  <p class="links"><a href="/console/security-credentials">Cancel</a></p>
</section>`,
  });
}

export function enrolAuthenticatorPage(
  principal: Principal,
  csrf: string,
  input: { deviceId: string; name: string; secret: string; qrDataUrl: string; error?: string | undefined },
): string {
  const grouped = input.secret.match(/.{1,4}/g)!.join(' ');
  return page({
    title: 'Add an authenticator app',
    principal,
    csrf,
    body: html`<h1>Add an authenticator app</h1>
<section class="card">
  <ol>
    <li>Open your authenticator app and add an account by scanning this QR code:
      <p><img src="${input.qrDataUrl}" alt="QR code for the MFA device ${input.name}" width="205" height="205"></p>
      <p>Or type this secret key in instead: <code id="totp-secret">${grouped}</code></p>
    </li>
    <li>Enter the code the app shows, then wait for the next code and enter it too.</li>
  </ol>
  ${alertBox(input.error)}
  <form method="post" action="/console/mfa/authenticator/enable" novalidate>
    ${csrfField(csrf)}
    <input type="hidden" name="device" value="${input.deviceId}">
    ${field({ label: 'MFA code 1', name: 'code1', autocomplete: 'one-time-code', inputmode: 'numeric', autofocus: true })}
    ${field({ label: 'MFA code 2', name: 'code2', autocomplete: 'one-time-code', inputmode: 'numeric' })}
    <button type="submit">Add MFA</button>
  </form>
  <p class="links"><a href="/console/security-credentials">Cancel</a></p>
</section>`,
  });
}

export function addSecurityKeyPage(principal: Principal, csrf: string, optionsJson: string, error?: string): string {
  return page({
    title: 'Add a security key or passkey',
    principal,
    csrf,
    body: html`<h1>Add a security key or passkey</h1>
<section class="card">
  <p>Give the key a name, then select <strong>Register security key</strong> and follow your browser's instructions (touch the key, or confirm on your device).</p>
  ${alertBox(error)}
  <p id="webauthn-status" role="status" class="muted"></p>
  <form method="post" action="/console/mfa/security-key" id="webauthn-register" data-options="${optionsJson}" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Device name', name: 'name', hint: 'e.g. yubikey or laptop-passkey. Letters, digits and + = , . @ _ -' })}
    <input type="hidden" name="credential" value="">
    <button type="submit">Register security key</button>
  </form>
  <p class="links"><a href="/console/security-credentials">Cancel</a></p>
</section>
<script src="/static/simplewebauthn-browser.js"></script>
<script src="/static/mfa-webauthn.js"></script>`,
  });
}

export function recoveryCodesPage(principal: Principal, csrf: string, codes: string[]): string {
  return page({
    title: 'Your recovery codes',
    principal,
    csrf,
    body: html`<h1>Your recovery codes</h1>
<section class="card">
  ${alertBox('Save these codes now, somewhere safe and apart from your MFA devices. They are shown only this once; your earlier codes no longer work.', 'warning')}
  <p>Each code signs you in once in place of an MFA device.</p>
  <ul class="codes">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
  <p class="links"><a href="/console/security-credentials">I have saved my codes</a></p>
</section>`,
  });
}

/** The MFA part of an administrator's view of a user: deactivate a lost device (when `mayDeactivate`). */
export function adminMfaSection(
  csrf: string,
  userName: string,
  devices: MfaDevice[],
  now: Date,
  mayDeactivate: boolean,
): SafeHtml {
  return html`<section class="card" id="mfa">
  <h2>MFA devices</h2>
  ${
    devices.length === 0
      ? html`<p class="muted">This user has no MFA devices.</p>`
      : html`${mayDeactivate ? html`<p class="muted">Deactivate a device the user lost. The user is told by mail when they have a contact address.</p>` : ''}
  ${scrollingTable(
    `MFA devices of ${userName}`,
    html`<table>
    <thead><tr><th scope="col">Name</th><th scope="col">Type</th><th scope="col">Added</th><th scope="col">Last used</th>${mayDeactivate ? html`<th scope="col"><span class="muted">Action</span></th>` : ''}</tr></thead>
    <tbody>${devices.map(
      (
        d,
      ) => html`<tr><td>${d.name}</td><td>${typeName(d)}</td><td>${relativeTime(d.enabledAt ?? d.createdAt, now)}</td><td>${d.lastUsedAt ? relativeTime(d.lastUsedAt, now) : 'Never'}</td>
${mayDeactivate ? html`<td><form method="post" action="/console/users/${encodeURIComponent(userName)}/mfa/${d.id}/deactivate" class="inline-form">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Deactivate ${d.name}">Deactivate</button></form></td>` : ''}</tr>`,
    )}</tbody>
  </table>`,
  )}`
  }
</section>`;
}

export function resyncPage(principal: Principal, csrf: string, device: MfaDevice, error?: string): string {
  return page({
    title: 'Resync an authenticator app',
    principal,
    csrf,
    body: html`<h1>Resync ${device.name}</h1>
<section class="card">
  <p>If the app's codes are refused, its clock has drifted. Enter the code the app shows, then wait for the next one and enter it too.</p>
  ${alertBox(error)}
  <form method="post" action="/console/mfa/devices/${device.id}/resync" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'MFA code 1', name: 'code1', autocomplete: 'one-time-code', inputmode: 'numeric', autofocus: true })}
    ${field({ label: 'MFA code 2', name: 'code2', autocomplete: 'one-time-code', inputmode: 'numeric' })}
    <button type="submit">Resync</button>
  </form>
  <p class="links"><a href="/console/security-credentials">Cancel</a></p>
</section>`,
  });
}
