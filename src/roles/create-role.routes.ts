import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import type { GatehouseError } from '../shared/errors.ts';
import type { FormSpec } from '../web/forms.ts';
import { type Page, pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import {
  WIZARD_FIELDS,
  type WizardErrors,
  type WizardState,
  nameStepPage,
  permissionsStepPage,
  trustStepPage,
} from './create-role.pages.ts';
import {
  choosePolicy,
  createRoleFromWizard,
  wizardPolicies,
  wizardReview,
  wizardTrust,
} from './create-role.service.ts';
import { ROLES_ACCESS } from './role-access.ts';
import { CUSTOM_TRUST_TEMPLATE } from './role-wizard.ts';
import { roleHref } from './roles.pages.ts';

/** The wizard's fields, each page carrying the others' as hidden ones; `go`, `add` and `remove` are its buttons. */
const WIZARD_FORM = {
  trustKind: { max: 16, optional: true },
  otherAccount: { max: 32, optional: true },
  externalId: { max: 1224, optional: true },
  requireMfa: { max: 2, optional: true },
  trustPolicy: { max: 131072, optional: true },
  policyArns: { max: 11 * 2049, optional: true },
  roleName: { max: 128, optional: true },
  description: { max: 2000, optional: true },
  maxSessionDuration: { max: 8, optional: true },
  go: { max: 16, optional: true },
  add: { max: 2048, optional: true },
  remove: { max: 2048, optional: true },
} satisfies FormSpec;

type WizardPage = Page<typeof WIZARD_FORM, Record<string, string>>;

const FIRST: WizardState = {
  trustKind: 'this-account',
  otherAccount: '',
  externalId: '',
  requireMfa: '',
  trustPolicy: CUSTOM_TRUST_TEMPLATE,
  policyArns: '',
  roleName: '',
  description: '',
  maxSessionDuration: '3600',
};

function answersOf(form: Record<keyof WizardState, string>): WizardState {
  return Object.fromEntries(WIZARD_FIELDS.map((f) => [f, form[f]])) as unknown as WizardState;
}

const TRUST_FIELDS = new Set(['trustKind', 'otherAccount', 'externalId', 'requireMfa', 'trustPolicy']);

/**
 * The create-role wizard's pages: who may assume the role, its managed policies, its name and
 * a review. Moving between them changes nothing; Create role does: CreateRole, then
 * AttachRolePolicy for each chosen policy.
 */
export async function createRoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  function trustStep(p: WizardPage | Page, state: WizardState, errors: WizardErrors = {}): string {
    const { principal } = p.who;
    return trustStepPage({ principal, csrf: p.csrf, state, errors, accountId: principal.accountId });
  }

  async function permissionsStep(p: WizardPage, state: WizardState, errors: WizardErrors = {}): Promise<string> {
    const { policies, chosen } = await wizardPolicies(p.deps, p.who, state);
    return permissionsStepPage({ principal: p.who.principal, csrf: p.csrf, state, errors, policies, chosen });
  }

  async function nameStep(p: WizardPage, state: WizardState, errors: WizardErrors = {}): Promise<string> {
    const review = await wizardReview(p.deps, p.who, state);
    return nameStepPage({ principal: p.who.principal, csrf: p.csrf, state, errors, ...review });
  }

  /** The page a refused answer belongs on, with its error. */
  async function again(p: WizardPage, state: WizardState, error: GatehouseError): Promise<string> {
    const field = error.field ?? 'form';
    if (field === 'assumeRolePolicyDocument') return trustStep(p, state, { trustPolicy: error.message });
    if (TRUST_FIELDS.has(field)) return trustStep(p, state, { [field]: error.message });
    if (field === 'policyArns') return permissionsStep(p, state, { policyArns: error.message });
    return nameStep(p, state, { [WIZARD_FIELDS.includes(field as keyof WizardState) ? field : 'form']: error.message });
  }

  pages.get('/console/roles/new', { access: ROLES_ACCESS.create }, (p) => trustStep(p, FIRST));

  pages.post(
    '/console/roles/new',
    {
      access: ROLES_ACCESS.create,
      form: WIZARD_FORM,
      redisplay: (p, error) => again(p, answersOf(p.form), error),
    },
    async (p) => {
      const state = answersOf(p.form);
      if (p.form.add || p.form.remove) {
        const change = p.form.add ? { add: p.form.add } : { remove: p.form.remove };
        const policyArns = await choosePolicy(p.deps, p.who, state, change);
        return permissionsStep(p, { ...state, policyArns });
      }
      if (p.form.go !== 'permissions' && p.form.go !== 'name') return trustStep(p, state);
      wizardTrust(state, p.who.principal.accountId);
      return p.form.go === 'permissions' ? permissionsStep(p, state) : nameStep(p, state);
    },
  );

  pages.post(
    '/console/roles',
    { access: ROLES_ACCESS.create, form: WIZARD_FORM, redisplay: (p, error) => again(p, answersOf(p.form), error) },
    async (p) => {
      const role = await createRoleFromWizard(p.deps, p.who, answersOf(p.form), actorOf(p.who.principal), p.meta);
      return redirect(`${roleHref(role.name)}?done=created`);
    },
  );
}
