import type { Principal } from '../identities/principal.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import type { UserRecord } from '../identities/user.repository.ts';
import { alertBox, field, page } from '../web/layout.ts';
import type { SimulationResult } from './simulator.service.ts';

export interface SimulatorForm {
  user: string;
  actions: string;
  resource: string;
  mfa: boolean;
  sourceIp: string;
}

const DECISION_TEXT: Record<SimulationResult['evalDecision'], string> = {
  allowed: 'Allowed',
  explicitDeny: 'Denied by a policy (explicit deny)',
  implicitDeny: 'Not allowed (no policy allows it)',
};

function resultsTable(results: SimulationResult[]): SafeHtml {
  return html`<table class="list">
  <caption>Results</caption>
  <thead><tr><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Decision</th><th scope="col">Decided by</th><th scope="col">Missing context</th></tr></thead>
  <tbody>
  ${results.map(
    (r) => html`<tr data-decision="${r.evalDecision}">
    <td>${r.evalActionName}</td>
    <td>${r.evalResourceName}</td>
    <td>${DECISION_TEXT[r.evalDecision]}</td>
    <td>${r.matchedStatements.length === 0 ? '—' : r.matchedStatements.map((m) => html`<div>${m.sourcePolicyId} (${m.sourcePolicyType}), statement ${m.statementIndex + 1}${m.sid ? html` “${m.sid}”` : ''}</div>`)}</td>
    <td>${r.missingContextValues.length === 0 ? '—' : r.missingContextValues.join(', ')}</td>
  </tr>`,
  )}
  </tbody>
</table>`;
}

/** "Can this user do X?": a GET form (nothing changes), and the engine's answer below it. */
export function simulatorPage(
  principal: Principal,
  csrf: string,
  users: UserRecord[],
  form: SimulatorForm,
  results: SimulationResult[] | null,
  error?: string,
): string {
  return page({
    title: 'Policy simulator',
    principal,
    csrf,
    body: html`<h1>Can this user do it?</h1>
<p>Ask the policy engine what it would decide for one of this account's users, without doing anything. The answer names the policy statements that decided and the request facts the policies asked about.</p>
${alertBox(error)}
<form method="get" action="/console/policy-simulator" class="card">
  <label for="user">User</label>
  <select id="user" name="user">
    ${users.map((u) => html`<option value="${u.name}"${u.name === form.user ? html` selected` : ''}>${u.name}</option>`)}
  </select>
  ${field({ label: 'Actions', name: 'actions', value: form.actions, hint: 'One or more service:Action names, separated by commas or spaces: Gatehouse’s own (iam:ChangePassword) or your services’ (notes:GetNote, s3:GetObject). A wildcard such as iam:List* stands for every IAM or STS action it names.' })}
  ${field({ label: 'Resource ARN', name: 'resource', value: form.resource, hint: 'Any service’s ARN, e.g. arn:aws:s3:::reports/q1.csv. Leave empty for *.' })}
  ${field({ label: 'Source IP address', name: 'sourceIp', value: form.sourceIp, hint: 'The address the request would come from (aws:SourceIp). Optional.' })}
  <div class="field"><label><input type="checkbox" name="mfa" value="1"${form.mfa ? html` checked` : ''}> Signed in with MFA (aws:MultiFactorAuthPresent)</label></div>
  <button type="submit">Simulate</button>
</form>
${results ? resultsTable(results) : ''}`,
  });
}
