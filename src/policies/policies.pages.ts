import type { Principal } from '../identities/principal.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import type { Tag } from '../user-tags/user-tag.repository.ts';
import { alertBox, csrfField, field, page, relativeTime } from '../web/layout.ts';
import type { PolicyEntities } from './attachment.service.ts';
import type { StatementRef } from '../policy-engine/grammar/policy-validator.ts';
import { MAX_POLICY_VERSIONS, type ManagedPolicy, type PolicyVersion } from './managed-policy.service.ts';
import type { ActionRule, ResourceScope, ServiceSummary } from './policy-summary.ts';

/**
 * The Policies pages: the list, one policy (its summary, JSON, versions, attachments and
 * tags), the JSON editor for a new policy or version, and the confirmation pages for
 * deleting. Each fragment takes what the route loaded and the decisions it made; a section
 * the person may not read says which permission it needs instead.
 */

/** A part of a page loaded only when its own permission allows: the value, or why not. */
export type Section<T> = { shown: true; value: T } | { shown: false; why: string };

export type PolicyScope = 'All' | 'AWS' | 'Local';

export interface ListFilter {
  scope: PolicyScope;
  search: string;
  onlyAttached: boolean;
}

const SCOPE_LABELS: Record<PolicyScope, string> = {
  All: 'All types',
  AWS: 'AWS managed',
  Local: 'Customer managed',
};

export const POLICIES_PAGE_SIZE = 20;

/** `/console/policies/<URL-encoded ARN>`, and below it. */
export function policyUrl(arn: string, rest = ''): string {
  return `/console/policies/${encodeURIComponent(arn)}${rest}`;
}

/** An ARN that may break after `:` and `/`, never inside a name. */
function arnText(arn: string): SafeHtml {
  return html`<span class="arn">${arn.split(/(?<=[:/])/).map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}</span>`;
}

function typeOf(policy: ManagedPolicy): string {
  return policy.awsManaged ? 'AWS managed' : 'Customer managed';
}

function when(iso: string, now: Date): SafeHtml {
  return html`<time datetime="${iso}">${iso.slice(0, 10)} (${relativeTime(iso, now)})</time>`;
}

/** Why a section is not shown: the refusal in the words the route's check used. */
function refused(why: string): SafeHtml {
  return html`<p class="muted">${why}</p>`;
}

function listQuery(filter: ListFilter, pageNo: number): string {
  const query = new URLSearchParams();
  if (filter.scope !== 'All') query.set('scope', filter.scope);
  if (filter.search) query.set('search', filter.search);
  if (filter.onlyAttached) query.set('attached', '1');
  if (pageNo > 1) query.set('page', String(pageNo));
  const text = query.toString();
  return `/console/policies${text ? `?${text}` : ''}`;
}

export function policiesListPage(o: {
  principal: Principal;
  csrf: string;
  now: Date;
  /** This page's policies, and how many match the filter in all. */
  policies: ManagedPolicy[];
  total: number;
  filter: ListFilter;
  pageNo: number;
  pageCount: number;
  mayCreate: boolean;
  notice?: string | undefined;
}): string {
  const { filter } = o;
  const first = (o.pageNo - 1) * POLICIES_PAGE_SIZE + 1;
  return page({
    title: 'Policies',
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>Policies</h1>
${alertBox(o.notice, 'success')}
<p>A managed policy says what the users and groups it is attached to may do. AWS managed policies are the same in every account and cannot be changed; customer managed policies are this account's own.</p>
${o.mayCreate ? html`<p><a class="button" href="/console/policies/new">Create policy</a></p>` : ''}
<section class="card">
  <h2>Find policies</h2>
  <form method="get" action="/console/policies" class="policy-filter">
    <div class="field">
      <label for="f-search">Policy name contains</label>
      <input id="f-search" name="search" type="search" value="${filter.search}" spellcheck="false" autocapitalize="none">
    </div>
    <div class="field">
      <label for="f-scope">Type</label>
      <select id="f-scope" name="scope">
        ${(Object.keys(SCOPE_LABELS) as PolicyScope[]).map(
          (s) => html`<option value="${s}"${s === filter.scope ? html` selected` : ''}>${SCOPE_LABELS[s]}</option>`,
        )}
      </select>
    </div>
    <div class="field checkbox">
      <input id="f-attached" name="attached" type="checkbox" value="1"${filter.onlyAttached ? html` checked` : ''}>
      <label for="f-attached">Only policies attached to a user or group</label>
    </div>
    <button type="submit" class="secondary">Filter</button>
  </form>
</section>
<section class="card" aria-labelledby="policies-heading">
  <h2 id="policies-heading">${o.total === 1 ? '1 policy' : `${o.total} policies`}</h2>
  ${
    o.total === 0
      ? html`<p class="muted">No policy matches.</p>`
      : html`<div class="table-scroll" role="region" aria-labelledby="policies-heading" tabindex="0">
  <table>
    <thead><tr><th scope="col">Policy name</th><th scope="col">Type</th><th scope="col">Attached to</th><th scope="col">Description</th></tr></thead>
    <tbody>${o.policies.map(
      (p) =>
        html`<tr><td><a href="${policyUrl(p.arn)}">${p.name}</a></td><td>${typeOf(p)}</td><td>${p.attachmentCount === 1 ? '1 entity' : `${p.attachmentCount} entities`}</td><td>${p.description ?? ''}</td></tr>`,
    )}</tbody>
  </table>
  </div>
  ${
    o.pageCount > 1
      ? html`<nav class="pager" aria-label="Pages of policies">
    <p>Showing ${first}–${first + o.policies.length - 1} of ${o.total}, page ${o.pageNo} of ${o.pageCount}.</p>
    ${o.pageNo > 1 ? html`<a href="${listQuery(filter, o.pageNo - 1)}" rel="prev">Previous page</a>` : ''}
    ${o.pageNo < o.pageCount ? html`<a href="${listQuery(filter, o.pageNo + 1)}" rel="next">Next page</a>` : ''}
  </nav>`
      : ''
  }`
  }
</section>`,
  });
}

/** What the JSON editor says about a refused document: IAM's words, and the statement they concern. */
export interface DocumentError {
  message: string;
  statement?: StatementRef | null;
  jsonPosition?: { line: number; column: number } | null;
}

function documentErrorText(error: DocumentError): string {
  const where: string[] = [];
  if (error.statement) {
    const { index, sid } = error.statement;
    where.push(`It concerns statement ${index + 1}${sid ? ` (Sid "${sid}")` : ''}, counting from 1.`);
  }
  if (error.jsonPosition) {
    where.push(`The JSON could not be read past line ${error.jsonPosition.line}, column ${error.jsonPosition.column}.`);
  }
  return [error.message, ...where].join(' ');
}

/** The JSON editor: a labelled textarea, its hint and its error tied to it for screen readers. */
function documentEditor(value: string, error: DocumentError | undefined): SafeHtml {
  const describedBy = ['f-policyDocument-hint', error ? 'f-policyDocument-error' : ''].filter(Boolean).join(' ');
  return html`<div class="field${error ? ' has-error' : ''}">
  <label for="f-policyDocument">Policy document (JSON)</label>
  <p class="hint" id="f-policyDocument-hint">IAM policy JSON, version 2012-10-17. It is checked on saving exactly as CreatePolicy checks it; at most 6,144 characters not counting white space.</p>
  ${error ? html`<p class="error" id="f-policyDocument-error" data-statement="${error.statement ? String(error.statement.index + 1) : ''}">${documentErrorText(error)}</p>` : ''}
  <textarea id="f-policyDocument" name="policyDocument" class="policy-editor" rows="18" spellcheck="false" autocapitalize="none" autocomplete="off" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ''}>${value}</textarea>
</div>`;
}

/** A document to start from: one statement to fill in, as AWS's editor offers. */
export const STARTER_DOCUMENT = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Statement1",
      "Effect": "Allow",
      "Action": [],
      "Resource": []
    }
  ]
}`;

export interface NewPolicyValues {
  policyName: string;
  path: string;
  description: string;
  policyDocument: string;
}

export type NewPolicyErrors = Partial<Record<'policyName' | 'path' | 'description' | 'form', string>> & {
  policyDocument?: DocumentError;
};

export function newPolicyPage(o: {
  principal: Principal;
  csrf: string;
  values: NewPolicyValues;
  errors: NewPolicyErrors;
}): string {
  const { values, errors } = o;
  return page({
    title: 'Create policy',
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>Create policy</h1>
<p><a href="/console/policies">Back to policies</a></p>
<section class="card">
  ${alertBox(errors.form ?? (errors.policyDocument ? 'The policy was not created: see the policy document below.' : undefined))}
  <form method="post" action="/console/policies" novalidate>
    ${csrfField(o.csrf)}
    ${field({ label: 'Policy name', name: 'policyName', value: values.policyName, error: errors.policyName, hint: 'Up to 128 letters, digits and + = , . @ _ - (no spaces). Unique in this account.' })}
    ${field({ label: 'Path (optional)', name: 'path', value: values.path, error: errors.path, required: false, hint: 'Leave empty for /. Otherwise it begins and ends with /, like /team/.' })}
    ${field({ label: 'Description (optional)', name: 'description', value: values.description, error: errors.description, required: false, hint: 'Up to 1,000 characters. It cannot be changed later.' })}
    ${documentEditor(values.policyDocument, errors.policyDocument)}
    <button type="submit">Create policy</button>
  </form>
</section>`,
  });
}

function versionLimitText(count: number): string {
  if (count >= MAX_POLICY_VERSIONS)
    return `This policy has ${count} versions, the most a managed policy can keep. Before you save a new version, delete one that is not the default.`;
  return `A managed policy keeps up to ${MAX_POLICY_VERSIONS} versions; this one has ${count}. Saving adds a version.`;
}

export function newVersionPage(o: {
  principal: Principal;
  csrf: string;
  arn: string;
  name: string;
  /** How many versions the policy has, when the person may list them. */
  versionCount: number | null;
  document: string;
  setAsDefault: boolean;
  error?: DocumentError | undefined;
  formError?: string | undefined;
}): string {
  return page({
    title: `Edit policy ${o.name}`,
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>Edit policy ${o.name}</h1>
<p><a href="${policyUrl(o.arn)}">Back to ${o.name}</a></p>
<section class="card">
  <p>Saving creates a new version of the policy; earlier versions stay until you delete them. A new version takes effect for every user and group the policy is attached to only when it is the default.</p>
  ${o.versionCount === null ? html`<p class="muted">A managed policy keeps up to ${MAX_POLICY_VERSIONS} versions.</p>` : alertBox(versionLimitText(o.versionCount), o.versionCount >= MAX_POLICY_VERSIONS ? 'warning' : 'success')}
  ${alertBox(o.formError ?? (o.error ? 'No version was saved: see the policy document below.' : undefined))}
  <form method="post" action="${policyUrl(o.arn, '/versions')}" novalidate>
    ${csrfField(o.csrf)}
    ${documentEditor(o.document, o.error)}
    <div class="field checkbox">
      <input id="f-setAsDefault" name="setAsDefault" type="checkbox" value="on"${o.setAsDefault ? html` checked` : ''}>
      <label for="f-setAsDefault">Set as default version</label>
      <p class="hint">The default version is the one in force. Leave unticked to save a draft you can make the default later.</p>
    </div>
    <button type="submit">Save new version</button>
  </form>
</section>`,
  });
}

function serviceName(service: string): string {
  if (service === '*') return 'All services';
  return service === 'iam' || service === 'sts' ? `${service.toUpperCase()} (${service})` : service;
}

function actionList(actions: readonly string[]): SafeHtml {
  return html`<ul class="action-list">${actions.map((a) => html`<li><code>${a}</code></li>`)}</ul>`;
}

/** "All IAM actions", "27 of 183 actions: iam:Get*, iam:List*" with the actions to unfold. */
function actionsCell(service: ServiceSummary, rule: ActionRule): SafeHtml {
  const written = html`<code>${rule.patterns.join(', ')}</code>`;
  if (rule.scope === 'all')
    return service.service === '*'
      ? html`All actions of every service`
      : html`All ${serviceName(service.service)} actions${service.catalogued ? ` (${service.catalogued})` : ''}`;
  if (rule.scope === 'allExcept')
    return html`All actions except ${written}${
      rule.actions
        ? html`<details><summary>${rule.actions.length} catalogued actions left out</summary>${actionList(rule.actions)}</details>`
        : ''
    }`;
  const unrecognized = rule.unrecognized.length
    ? html`<p class="warning-text">Names no ${serviceName(service.service)} action Gatehouse knows: <code>${rule.unrecognized.join(', ')}</code></p>`
    : '';
  if (!rule.actions) return html`${written}${unrecognized}`;
  const wildcard = rule.patterns.some((p) => /[*?]/.test(p));
  if (!wildcard) return html`${actionList(rule.actions)}${unrecognized}`;
  return html`${written}<details><summary>${rule.actions.length} of ${service.catalogued ?? 0} actions</summary>${actionList(rule.actions)}</details>${unrecognized}`;
}

function resourcesCell(resources: ResourceScope): SafeHtml {
  if (resources.kind === 'all') return html`All resources`;
  const list = html`<ul class="resource-list">${resources.arns.map((arn) => html`<li>${arnText(arn)}</li>`)}</ul>`;
  return resources.kind === 'allExcept' ? html`All resources except ${list}` : list;
}

function conditionsCell(rule: ActionRule): SafeHtml {
  if (rule.conditions.length === 0) return html`None`;
  return html`<ul class="condition-list">${rule.conditions.map(
    (c) => html`<li><code>${c.key}</code> ${c.operator} <code>${c.values.join(' or ')}</code></li>`,
  )}</ul>`;
}

/** The visual summary: per service, each statement's effect, actions, resources and conditions. */
export function summaryCard(summary: ServiceSummary[]): SafeHtml {
  return html`<section class="card policy-summary" aria-labelledby="summary-heading">
  <h2 id="summary-heading">Permissions summary</h2>
  <p class="muted">What each statement allows or denies, service by service. An explicit Deny always wins over an Allow.</p>
  ${summary.map(
    (s) => html`<h3>${serviceName(s.service)}</h3>
  <div class="table-scroll" role="region" aria-label="${serviceName(s.service)}" tabindex="0">
  <table>
    <thead><tr><th scope="col">Effect</th><th scope="col">Actions</th><th scope="col">Resources</th><th scope="col">Conditions</th><th scope="col">Statement</th></tr></thead>
    <tbody>${s.rules.map(
      (r) =>
        html`<tr><td><span class="effect effect-${r.effect.toLowerCase()}">${r.effect}</span></td><td>${actionsCell(s, r)}</td><td>${resourcesCell(r.resources)}</td><td>${conditionsCell(r)}</td><td>${r.statement.index + 1}${r.statement.sid ? html` <code>${r.statement.sid}</code>` : ''}</td></tr>`,
    )}</tbody>
  </table>
  </div>`,
  )}
</section>`;
}

/** The document as JSON, indented two spaces (as written when it cannot be read as JSON). */
export function prettyDocument(document: string): string {
  try {
    return JSON.stringify(JSON.parse(document), null, 2);
  } catch {
    return document;
  }
}

function jsonCard(document: string, heading: string): SafeHtml {
  return html`<section class="card" aria-labelledby="json-heading">
  <h2 id="json-heading">${heading}</h2>
  <pre class="policy-json"><code>${prettyDocument(document)}</code></pre>
</section>`;
}

/** A version's permissions: the summary and the JSON, or why they are not shown. */
export interface VersionView {
  version: PolicyVersion;
  summary: ServiceSummary[] | null;
}

export interface PolicyPageOptions {
  principal: Principal;
  csrf: string;
  now: Date;
  policy: ManagedPolicy;
  document: Section<VersionView>;
  versions: Section<PolicyVersion[]>;
  entities: Section<PolicyEntities>;
  tags: Section<Tag[]>;
  /** Users whose page the person may open (iam:GetUser on each). */
  userLinks: ReadonlySet<string>;
  /** Groups whose page the person may open (iam:GetGroup on each). */
  groupLinks: ReadonlySet<string>;
  may: {
    viewVersion: boolean;
    createVersion: boolean;
    setDefault: boolean;
    deleteVersion: boolean;
    delete: boolean;
  };
  notice?: string | undefined;
  error?: string | undefined;
}

function versionsCard(o: PolicyPageOptions, versions: PolicyVersion[]): SafeHtml {
  const changeable = !o.policy.awsManaged;
  const actions = changeable && (o.may.setDefault || o.may.deleteVersion);
  return html`<div class="table-scroll" role="region" aria-labelledby="versions-heading" tabindex="0">
  <table>
    <thead><tr><th scope="col">Version</th><th scope="col">Default</th><th scope="col">Created</th>${actions ? html`<th scope="col">Actions</th>` : ''}</tr></thead>
    <tbody>${versions.map(
      (v) =>
        html`<tr><td>${o.may.viewVersion ? html`<a href="${policyUrl(o.policy.arn, `/versions/${v.versionId}`)}">${v.versionId}</a>` : v.versionId}</td><td>${v.isDefaultVersion ? 'Default' : ''}</td><td>${when(v.createDate, o.now)}</td>${
          actions
            ? html`<td>${
                v.isDefaultVersion
                  ? ''
                  : html`${o.may.setDefault ? html`<form method="post" action="${policyUrl(o.policy.arn, `/versions/${v.versionId}/default`)}" class="inline-form">${csrfField(o.csrf)}<button type="submit" class="link">Set ${v.versionId} as default</button></form>` : ''}
        ${o.may.deleteVersion ? html`<a href="${policyUrl(o.policy.arn, `/versions/${v.versionId}/delete`)}">Delete ${v.versionId}</a>` : ''}`
              }</td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table>
  </div>
  ${changeable ? html`<p class="muted">${versionLimitText(versions.length)}</p>` : ''}`;
}

function entitiesCard(o: PolicyPageOptions, entities: PolicyEntities): SafeHtml {
  if (entities.users.length === 0 && entities.groups.length === 0)
    return html`<p>The policy is attached to no user or group.</p>`;
  return html`<div class="table-scroll" role="region" aria-labelledby="entities-heading" tabindex="0">
  <table>
    <thead><tr><th scope="col">Name</th><th scope="col">Type</th></tr></thead>
    <tbody>${entities.users.map(
      (u) =>
        html`<tr><td>${o.userLinks.has(u.userName) ? html`<a href="/console/users/${encodeURIComponent(u.userName)}">${u.userName}</a>` : u.userName}</td><td>User</td></tr>`,
    )}${entities.groups.map(
      (g) =>
        html`<tr><td>${o.groupLinks.has(g.groupName) ? html`<a href="/console/groups/${encodeURIComponent(g.groupName)}">${g.groupName}</a>` : g.groupName}</td><td>Group</td></tr>`,
    )}</tbody>
  </table>
  </div>`;
}

function tagsCard(policy: ManagedPolicy, tags: Tag[]): SafeHtml {
  if (policy.awsManaged) return html`<p class="muted">AWS managed policies have no tags.</p>`;
  if (tags.length === 0) return html`<p>No tags.</p>`;
  return html`<div class="table-scroll" role="region" aria-labelledby="tags-heading" tabindex="0">
  <table>
    <thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
    <tbody>${tags.map((t) => html`<tr><td>${t.key}</td><td>${t.value}</td></tr>`)}</tbody>
  </table>
  </div>`;
}

export function policyPage(o: PolicyPageOptions): string {
  const { policy } = o;
  const changeable = !policy.awsManaged;
  const versionCount = o.versions.shown ? o.versions.value.length : null;
  return page({
    title: `Policy ${policy.name}`,
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>Policy ${policy.name}</h1>
<p><a href="/console/policies">Back to policies</a></p>
${alertBox(o.notice, 'success')}
${alertBox(o.error)}
<section class="card" aria-labelledby="details-heading">
  <h2 id="details-heading">Details</h2>
  <dl class="facts">
    <dt>Type</dt><dd>${typeOf(policy)}${policy.awsManaged ? ' (read-only)' : ''}</dd>
    <dt>ARN</dt><dd>${arnText(policy.arn)}</dd>
    <dt>Description</dt><dd>${policy.description ?? '—'}</dd>
    <dt>Default version</dt><dd>${policy.defaultVersionId}</dd>
    <dt>Attached to</dt><dd>${policy.attachmentCount === 1 ? '1 entity' : `${policy.attachmentCount} entities`}</dd>
    <dt>Permissions boundary of</dt><dd>${policy.permissionsBoundaryUsageCount === 1 ? '1 user or role' : `${policy.permissionsBoundaryUsageCount} users and roles`}</dd>
    <dt>Created</dt><dd>${when(policy.createDate, o.now)}</dd>
    <dt>Last changed</dt><dd>${when(policy.updateDate, o.now)}</dd>
  </dl>
  ${
    changeable && (o.may.createVersion || o.may.delete)
      ? html`<p class="actions">
    ${o.may.createVersion ? html`<a class="button" href="${policyUrl(policy.arn, '/versions/new')}">Edit policy</a>` : ''}
    ${o.may.delete ? html`<a class="button danger" href="${policyUrl(policy.arn, '/delete')}">Delete policy</a>` : ''}
  </p>`
      : ''
  }
</section>
${
  o.document.shown
    ? html`${o.document.value.summary ? summaryCard(o.document.value.summary) : ''}${jsonCard(o.document.value.version.document, `JSON (default version ${o.document.value.version.versionId})`)}`
    : html`<section class="card"><h2>Permissions</h2>${refused(o.document.why)}</section>`
}
<section class="card" aria-labelledby="versions-heading">
  <h2 id="versions-heading">Versions${versionCount === null ? '' : ` (${versionCount})`}</h2>
  ${o.versions.shown ? versionsCard(o, o.versions.value) : refused(o.versions.why)}
</section>
<section class="card" aria-labelledby="entities-heading">
  <h2 id="entities-heading">Entities attached</h2>
  ${o.entities.shown ? entitiesCard(o, o.entities.value) : refused(o.entities.why)}
</section>
<section class="card" aria-labelledby="tags-heading">
  <h2 id="tags-heading">Tags</h2>
  ${o.tags.shown ? tagsCard(policy, o.tags.value) : refused(o.tags.why)}
</section>`,
  });
}

export function versionPage(o: {
  principal: Principal;
  csrf: string;
  now: Date;
  arn: string;
  name: string;
  version: PolicyVersion;
  summary: ServiceSummary[] | null;
}): string {
  const v = o.version;
  return page({
    title: `${o.name} version ${v.versionId}`,
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>${o.name}: version ${v.versionId}</h1>
<p><a href="${policyUrl(o.arn)}">Back to ${o.name}</a></p>
<section class="card">
  <dl class="facts">
    <dt>Policy</dt><dd>${arnText(o.arn)}</dd>
    <dt>Default version</dt><dd>${v.isDefaultVersion ? 'Yes: this version is in force' : 'No'}</dd>
    <dt>Created</dt><dd>${when(v.createDate, o.now)}</dd>
  </dl>
</section>
${o.summary ? summaryCard(o.summary) : ''}
${jsonCard(v.document, 'JSON')}`,
  });
}

/** "Are you sure?" for deleting a policy or one of its versions: a page that works without JavaScript. */
export function confirmDeletePage(o: {
  principal: Principal;
  csrf: string;
  arn: string;
  name: string;
  /** Null for the policy itself. */
  versionId: string | null;
  error?: string | undefined;
}): string {
  const what = o.versionId ? `version ${o.versionId} of ${o.name}` : `policy ${o.name}`;
  const action = policyUrl(o.arn, o.versionId ? `/versions/${o.versionId}/delete` : '/delete');
  return page({
    title: `Delete ${what}`,
    principal: o.principal,
    csrf: o.csrf,
    body: html`<h1>Delete ${what}?</h1>
${alertBox(o.error)}
<section class="card">
  <p>${arnText(o.arn)}</p>
  ${
    o.versionId
      ? html`<p>The version's document is deleted for good. The default version cannot be deleted: make another version the default first.</p>`
      : html`<p>The policy and its default version are deleted for good. As in AWS, a policy cannot be deleted while it is attached to a user or group or is a user's permissions boundary, nor while it has versions besides the default: detach it and delete those versions first.</p>`
  }
  <form method="post" action="${action}">
    ${csrfField(o.csrf)}
    <button type="submit" class="danger">Delete ${what}</button>
    <a href="${policyUrl(o.arn)}">Cancel</a>
  </form>
</section>`,
  });
}
