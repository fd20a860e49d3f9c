import type { FastifyInstance } from 'fastify';
import { type AccessInput, type RouteAccess, decideAccess, mayUse, permission } from '../authz/console-access.ts';
import { newPolicyInForm, policyInUrl, userInUrl, wholeAccount } from '../authz/console-resources.ts';
import type { Deps } from '../deps.ts';
import { actorOf } from '../identities/principal.ts';
import type { GatehouseError } from '../shared/errors.ts';
import { PATH_CONSTRAINT, assertConstraints } from '../shared/model-constraints.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { type Page, pageRoutes, redirect } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { listEntitiesForPolicy } from './attachment.service.ts';
import { unchangeableAwsPolicy } from './aws-managed.ts';
import { policyProblem } from '../policy-engine/grammar/policy-validator.ts';
import {
  createPolicy,
  createPolicyVersion,
  deletePolicy,
  deletePolicyVersion,
  getPolicy,
  getPolicyVersion,
  listPolicies,
  listPolicyVersions,
  setDefaultPolicyVersion,
} from './managed-policy.service.ts';
import { POLICY_PARAMETERS } from './names.ts';
import {
  type DocumentError,
  type ListFilter,
  type NewPolicyErrors,
  type NewPolicyValues,
  POLICIES_PAGE_SIZE,
  type PolicyScope,
  STARTER_DOCUMENT,
  type Section,
  confirmDeletePage,
  newPolicyPage,
  newVersionPage,
  policiesListPage,
  policyPage,
  policyUrl,
  prettyDocument,
  versionPage,
} from './policies.pages.ts';
import { summarizePolicy } from './policy-summary.ts';
import { tagsOfPolicy } from './policy-tags.service.ts';
import { GROUPS_ACCESS } from '../groups/group-access.ts';

const NOTICES: Record<string, string> = {
  created: 'The policy was created. Its first version, v1, is the default.',
  'version-created': 'The new version was saved. It is not the default: the earlier default stays in force.',
  'version-created-default':
    'The new version was saved and is now the default, in force for everyone it is attached to.',
  'default-set': 'The default version was changed. It is in force for everyone the policy is attached to.',
  'version-deleted': 'The version was deleted.',
  deleted: 'The policy was deleted.',
};

/** The Policies pages' permissions: the Query API's for the same reads and changes, on the same ARNs. */
export const POLICIES_ACCESS = {
  list: permission({ action: 'iam:ListPolicies', resource: wholeAccount }),
  view: permission({ action: 'iam:GetPolicy', resource: policyInUrl() }),
  viewVersion: permission({ action: 'iam:GetPolicyVersion', resource: policyInUrl() }),
  listVersions: permission({ action: 'iam:ListPolicyVersions', resource: policyInUrl() }),
  listEntities: permission({ action: 'iam:ListEntitiesForPolicy', resource: policyInUrl() }),
  listTags: permission({ action: 'iam:ListPolicyTags', resource: policyInUrl() }),
  create: permission({ action: 'iam:CreatePolicy', resource: newPolicyInForm() }),
  createVersion: permission({ action: 'iam:CreatePolicyVersion', resource: policyInUrl() }),
  setDefault: permission({ action: 'iam:SetDefaultPolicyVersion', resource: policyInUrl() }),
  deleteVersion: permission({ action: 'iam:DeletePolicyVersion', resource: policyInUrl() }),
  delete: permission({ action: 'iam:DeletePolicy', resource: policyInUrl() }),
};

/** Opening a user from the "Entities attached" list takes what the user's page takes. */
const VIEW_USER = permission({ action: 'iam:GetUser', resource: userInUrl() });

const SCOPES: Record<string, PolicyScope> = { All: 'All', AWS: 'AWS', Local: 'Local' };

function filterOf(query: Record<string, string | undefined>): ListFilter {
  return {
    scope: ownEntry(SCOPES, query.scope) ?? 'All',
    search: (query.search ?? '').trim().slice(0, 128),
    onlyAttached: query.attached === '1',
  };
}

function pageNumber(value: string | undefined): number {
  return value && /^[1-9]\d{0,5}$/.test(value) ? Number(value) : 1;
}

function nameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/** What the page helpers use of a request. */
type PageParts = Pick<Page, 'who' | 'csrf' | 'deps'>;

function arnInput(arn: string): AccessInput {
  return { params: { arn }, body: {} };
}

/** Loads a section of a page when its own permission allows, else says what is missing. */
async function section<T>(
  deps: Deps,
  who: SignedIn,
  access: RouteAccess,
  input: AccessInput,
  what: string,
  load: () => Promise<T>,
): Promise<Section<T>> {
  const decision = await decideAccess(deps, who, access, input);
  if (!decision.allowed) return { shown: false, why: `${what} are not shown. ${decision.message}` };
  return { shown: true, value: await load() };
}

/** The editor's error: IAM's words, with the statement they concern where the grammar can tell. */
function documentError(document: string, error: GatehouseError): DocumentError {
  if (error.code !== 'MalformedPolicyDocument') return { message: error.message };
  const problem = policyProblem(document, 'identity');
  return { message: error.message, statement: problem?.statement ?? null, jsonPosition: problem?.jsonPosition ?? null };
}

const CREATE_FORM = {
  policyName: { max: 1024 },
  path: { max: 2048, optional: true },
  description: { max: 4000, optional: true },
  policyDocument: { max: 131072 },
};

const FIELDS = ['policyName', 'path', 'description'] as const;

const VERSION_FORM = {
  policyDocument: { max: 131072 },
  setAsDefault: { max: 2, optional: true },
};

/**
 * `/console/policies`: AWS managed and customer managed policies, each policy's summary,
 * JSON, versions, attachments and tags; creating a policy or a version in a JSON editor
 * checked exactly as CreatePolicy and CreatePolicyVersion check it; setting the default
 * version; deleting a version or the policy after a confirmation page.
 */
export async function policiesRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/console/policies', { access: POLICIES_ACCESS.list }, async (p) => {
    const filter = filterOf(p.query);
    const all = await listPolicies(p.deps, p.who.principal.accountId, {
      scope: filter.scope,
      onlyAttached: filter.onlyAttached,
    });
    const search = filter.search.toLowerCase();
    const matching = search ? all.filter((x) => x.name.toLowerCase().includes(search)) : all;
    const pageCount = Math.max(1, Math.ceil(matching.length / POLICIES_PAGE_SIZE));
    const pageNo = Math.min(pageNumber(p.query.page), pageCount);
    return policiesListPage({
      principal: p.who.principal,
      csrf: p.csrf,
      now: p.deps.clock.now(),
      policies: matching.slice((pageNo - 1) * POLICIES_PAGE_SIZE, pageNo * POLICIES_PAGE_SIZE),
      total: matching.length,
      filter,
      pageNo,
      pageCount,
      mayCreate: await mayUse(p.deps, p.who, POLICIES_ACCESS.create),
      notice: ownEntry(NOTICES, p.query.done),
    });
  });

  const newPolicy = (p: PageParts, values: NewPolicyValues, errors: NewPolicyErrors) =>
    newPolicyPage({ principal: p.who.principal, csrf: p.csrf, values, errors });

  pages.get('/console/policies/new', { access: POLICIES_ACCESS.create }, (p) =>
    newPolicy(p, { policyName: '', path: '', description: '', policyDocument: STARTER_DOCUMENT }, {}),
  );

  pages.post(
    '/console/policies',
    {
      access: POLICIES_ACCESS.create,
      form: CREATE_FORM,
      // Whatever CreatePolicy refuses comes back on the form as typed, at the field it concerns.
      redisplay: (p, error) => {
        const errors: NewPolicyErrors = {};
        if (error.field === 'policyDocument') errors.policyDocument = documentError(p.form.policyDocument, error);
        else errors[FIELDS.find((f) => f === error.field) ?? 'form'] = error.message;
        return newPolicy(p, p.form, errors);
      },
    },
    async (p) => {
      const { policyName, policyDocument } = p.form;
      // An empty optional field is a parameter not given, as the API has it.
      const path = p.form.path === '' ? undefined : p.form.path;
      const description = p.form.description === '' ? undefined : p.form.description;
      assertConstraints([
        { field: 'policyName', value: policyName, constraint: POLICY_PARAMETERS.policyName },
        { field: 'policyDocument', value: policyDocument, constraint: POLICY_PARAMETERS.policyDocument },
        { field: 'path', value: path, constraint: PATH_CONSTRAINT },
        { field: 'description', value: description, constraint: POLICY_PARAMETERS.description },
      ]);
      const policy = await createPolicy(
        p.deps,
        p.who.principal.accountId,
        {
          name: policyName,
          document: policyDocument,
          ...(path !== undefined ? { path } : {}),
          ...(description !== undefined ? { description } : {}),
        },
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(`${policyUrl(policy.arn)}?done=created`);
    },
  );

  pages.get('/console/policies/:arn', { access: POLICIES_ACCESS.view }, async (p) => {
    const { deps, who } = p;
    const { accountId } = who.principal;
    const arn = p.params.arn;
    const policy = await getPolicy(deps, accountId, arn);
    const input = arnInput(arn);
    const [document, versions, entities, tags] = await Promise.all([
      section(deps, who, POLICIES_ACCESS.viewVersion, input, 'The permissions', async () => {
        const version = await getPolicyVersion(deps, accountId, arn, policy.defaultVersionId);
        return { version, summary: summarizePolicy(version.document) };
      }),
      section(deps, who, POLICIES_ACCESS.listVersions, input, 'The versions', () =>
        listPolicyVersions(deps, accountId, arn),
      ),
      section(deps, who, POLICIES_ACCESS.listEntities, input, 'The users and groups', () =>
        listEntitiesForPolicy(deps, accountId, arn),
      ),
      section(deps, who, POLICIES_ACCESS.listTags, input, 'The tags', () => tagsOfPolicy(deps.db, accountId, arn)),
    ]);
    const userLinks = new Set<string>();
    const groupLinks = new Set<string>();
    if (entities.shown) {
      for (const user of entities.value.users) {
        if (await mayUse(deps, who, VIEW_USER, { params: { name: user.userName }, body: {} }))
          userLinks.add(user.userName);
      }
      for (const group of entities.value.groups) {
        if (await mayUse(deps, who, GROUPS_ACCESS.view, { params: { name: group.groupName }, body: {} }))
          groupLinks.add(group.groupName);
      }
    }
    const [viewVersion, createVersion, setDefault, deleteVersion, mayDelete] = await Promise.all(
      [
        POLICIES_ACCESS.viewVersion,
        POLICIES_ACCESS.createVersion,
        POLICIES_ACCESS.setDefault,
        POLICIES_ACCESS.deleteVersion,
        POLICIES_ACCESS.delete,
      ].map((access) => mayUse(deps, who, access, input)),
    );
    return policyPage({
      principal: who.principal,
      csrf: p.csrf,
      now: deps.clock.now(),
      policy,
      document,
      versions,
      entities,
      tags,
      userLinks,
      groupLinks,
      may: {
        viewVersion: viewVersion!,
        createVersion: createVersion!,
        setDefault: setDefault!,
        deleteVersion: deleteVersion!,
        delete: mayDelete!,
      },
      notice: ownEntry(NOTICES, p.query.done),
    });
  });

  /** The editor for a new version: the default version to start from when the person may read it. */
  async function versionEditor(
    p: PageParts,
    arn: string,
    typed: { document: string; setAsDefault: boolean } | null,
    error?: GatehouseError,
  ) {
    const { deps, who } = p;
    const { accountId } = who.principal;
    const policy = await getPolicy(deps, accountId, arn);
    if (policy.awsManaged) throw unchangeableAwsPolicy(arn);
    const input = arnInput(arn);
    const [mayRead, mayList] = await Promise.all([
      mayUse(deps, who, POLICIES_ACCESS.viewVersion, input),
      mayUse(deps, who, POLICIES_ACCESS.listVersions, input),
    ]);
    const start = mayRead
      ? prettyDocument((await getPolicyVersion(deps, accountId, arn, policy.defaultVersionId)).document)
      : STARTER_DOCUMENT;
    const document = typed?.document ?? start;
    const onDocument = error && error.field === 'policyDocument';
    return newVersionPage({
      principal: who.principal,
      csrf: p.csrf,
      arn,
      name: policy.name,
      versionCount: mayList ? (await listPolicyVersions(deps, accountId, arn)).length : null,
      document,
      setAsDefault: typed?.setAsDefault ?? true,
      error: onDocument ? documentError(document, error) : undefined,
      formError: error && !onDocument ? error.message : undefined,
    });
  }

  pages.get('/console/policies/:arn/versions/new', { access: POLICIES_ACCESS.createVersion }, (p) =>
    versionEditor(p, p.params.arn, null),
  );

  pages.post(
    '/console/policies/:arn/versions',
    {
      access: POLICIES_ACCESS.createVersion,
      form: VERSION_FORM,
      // A policy that is gone, or AWS's own, is the error page's to say; the rest comes back on the form.
      redisplay: (p, error) =>
        error.code === 'NoSuchEntity' || error.code === 'AccessDenied'
          ? undefined
          : versionEditor(
              p,
              p.params.arn,
              { document: p.form.policyDocument, setAsDefault: p.form.setAsDefault === 'on' },
              error,
            ),
    },
    async (p) => {
      const arn = p.params.arn;
      const setAsDefault = p.form.setAsDefault === 'on';
      assertConstraints([
        { field: 'policyDocument', value: p.form.policyDocument, constraint: POLICY_PARAMETERS.policyDocument },
      ]);
      await createPolicyVersion(
        p.deps,
        p.who.principal.accountId,
        arn,
        p.form.policyDocument,
        setAsDefault,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(`${policyUrl(arn)}?done=${setAsDefault ? 'version-created-default' : 'version-created'}`);
    },
  );

  pages.get('/console/policies/:arn/versions/:versionId', { access: POLICIES_ACCESS.viewVersion }, async (p) => {
    const { arn, versionId } = p.params;
    const version = await getPolicyVersion(p.deps, p.who.principal.accountId, arn, versionId);
    return versionPage({
      principal: p.who.principal,
      csrf: p.csrf,
      now: p.deps.clock.now(),
      arn,
      name: nameOf(arn),
      version,
      summary: summarizePolicy(version.document),
    });
  });

  pages.post(
    '/console/policies/:arn/versions/:versionId/default',
    { access: POLICIES_ACCESS.setDefault, form: {} },
    async (p) => {
      const { arn, versionId } = p.params;
      await setDefaultPolicyVersion(
        p.deps,
        p.who.principal.accountId,
        arn,
        versionId,
        actorOf(p.who.principal),
        p.meta,
      );
      return redirect(`${policyUrl(arn)}?done=default-set`);
    },
  );

  /** The confirmation page for deleting a version (`versionId`) or the policy (null), once it is known to exist. */
  async function confirmDelete(p: PageParts, arn: string, versionId: string | null, error?: string) {
    const { accountId } = p.who.principal;
    // As DeletePolicy and DeletePolicyVersion answer: unknown, or AWS's own and unchangeable.
    if ((await getPolicy(p.deps, accountId, arn)).awsManaged) throw unchangeableAwsPolicy(arn);
    if (versionId) await getPolicyVersion(p.deps, accountId, arn, versionId);
    return confirmDeletePage({ principal: p.who.principal, csrf: p.csrf, arn, name: nameOf(arn), versionId, error });
  }

  pages.get('/console/policies/:arn/versions/:versionId/delete', { access: POLICIES_ACCESS.deleteVersion }, (p) =>
    confirmDelete(p, p.params.arn, p.params.versionId),
  );

  pages.post(
    '/console/policies/:arn/versions/:versionId/delete',
    {
      access: POLICIES_ACCESS.deleteVersion,
      form: {},
      // The default version cannot go (DeleteConflict): the confirmation page says so.
      redisplay: (p, error) =>
        error.code === 'DeleteConflict' ? confirmDelete(p, p.params.arn, p.params.versionId, error.message) : undefined,
    },
    async (p) => {
      const { arn, versionId } = p.params;
      await deletePolicyVersion(p.deps, p.who.principal.accountId, arn, versionId, actorOf(p.who.principal), p.meta);
      return redirect(`${policyUrl(arn)}?done=version-deleted`);
    },
  );

  pages.get('/console/policies/:arn/delete', { access: POLICIES_ACCESS.delete }, (p) =>
    confirmDelete(p, p.params.arn, null),
  );

  pages.post(
    '/console/policies/:arn/delete',
    {
      access: POLICIES_ACCESS.delete,
      form: {},
      // Still attached, or versions besides the default (DeleteConflict): AWS's words on the confirmation page.
      redisplay: (p, error) =>
        error.code === 'DeleteConflict' ? confirmDelete(p, p.params.arn, null, error.message) : undefined,
    },
    async (p) => {
      await deletePolicy(p.deps, p.who.principal.accountId, p.params.arn, actorOf(p.who.principal), p.meta);
      return redirect('/console/policies?done=deleted');
    },
  );
}
