import type { FastifyInstance } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { mayUse, permission } from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { invalid } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import {
  type PolicyFormErrors,
  type PolicyFormValues,
  passwordPolicyPage,
  policyFormValues,
} from './password-policy.pages.ts';
import {
  type PasswordPolicyInput,
  deletePasswordPolicy,
  getPasswordPolicyWithDate,
  updatePasswordPolicy,
} from './password-policy.service.ts';

const NOTICES: Record<string, string> = {
  saved: 'The password policy was saved.',
  deleted: 'The password policy was deleted. The built-in rule applies again.',
};

const NUMBER_FIELDS = ['minimumPasswordLength', 'maxPasswordAge', 'passwordReusePrevention'] as const;
const FLAG_FIELDS = [
  'requireUppercaseCharacters',
  'requireLowercaseCharacters',
  'requireNumbers',
  'requireSymbols',
  'allowUsersToChangePassword',
  'hardExpiry',
] as const;

/** An empty field is "not given"; anything else must be a whole number. */
function wholeNumber(name: string, value: string): number | undefined {
  const text = value.trim();
  if (text === '') return undefined;
  if (!/^\d{1,6}$/.test(text)) throw invalid(name, 'Enter a whole number, or leave the field empty.');
  return Number(text);
}

/** The Query API's permissions for the same reads and changes. */
export const PASSWORD_POLICY_ACCESS = {
  view: permission({ action: 'iam:GetAccountPasswordPolicy', resource: wholeAccount }),
  update: permission({ action: 'iam:UpdateAccountPasswordPolicy', resource: wholeAccount }),
  delete: permission({ action: 'iam:DeleteAccountPasswordPolicy', resource: wholeAccount }),
};

const POLICY_FORM = {
  minimumPasswordLength: { max: 16, optional: true },
  maxPasswordAge: { max: 16, optional: true },
  passwordReusePrevention: { max: 16, optional: true },
  requireUppercaseCharacters: { max: 2, optional: true },
  requireLowercaseCharacters: { max: 2, optional: true },
  requireNumbers: { max: 2, optional: true },
  requireSymbols: { max: 2, optional: true },
  allowUsersToChangePassword: { max: 2, optional: true },
  hardExpiry: { max: 2, optional: true },
};

/** The form as the edit page shows it again: the numbers as typed, the boxes as ticked. */
function typedValues(form: Record<keyof typeof POLICY_FORM, string>): PolicyFormValues {
  return {
    minimumPasswordLength: form.minimumPasswordLength,
    maxPasswordAge: form.maxPasswordAge,
    passwordReusePrevention: form.passwordReusePrevention,
    requireUppercaseCharacters: form.requireUppercaseCharacters === 'on',
    requireLowercaseCharacters: form.requireLowercaseCharacters === 'on',
    requireNumbers: form.requireNumbers === 'on',
    requireSymbols: form.requireSymbols === 'on',
    allowUsersToChangePassword: form.allowUsersToChangePassword === 'on',
    hardExpiry: form.hardExpiry === 'on',
  };
}

/** The console's Password policy page: view, replace and delete the account password policy. */
export async function passwordPolicyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  async function render(
    who: SignedIn,
    csrf: string,
    values: PolicyFormValues | null,
    errors: PolicyFormErrors,
    notice?: string,
  ) {
    const { policy, updatedAt } = await getPasswordPolicyWithDate(web.deps, who.principal.accountId);
    const [mayUpdate, mayDelete] = await Promise.all([
      mayUse(web.deps, who, PASSWORD_POLICY_ACCESS.update),
      mayUse(web.deps, who, PASSWORD_POLICY_ACCESS.delete),
    ]);
    return passwordPolicyPage({
      principal: who.principal,
      csrf,
      policy,
      updatedAt,
      now: web.deps.clock.now(),
      values: values ?? policyFormValues(policy),
      errors,
      notice,
      mayUpdate,
      mayDelete,
    });
  }

  pages.get('/console/password-policy', { access: PASSWORD_POLICY_ACCESS.view }, async (p) =>
    render(p.who, p.csrf, null, {}, ownEntry(NOTICES, p.query.done)),
  );

  pages.post(
    '/console/password-policy',
    {
      access: PASSWORD_POLICY_ACCESS.update,
      form: POLICY_FORM,
      // A value the policy cannot take: the form again, as typed, with the field's error.
      redisplay: async (p, error) => {
        if (error.code !== 'ValidationError') return undefined;
        const key = NUMBER_FIELDS.find((f) => f === error.field) ?? 'form';
        return render(p.who, p.csrf, typedValues(p.form), { [key]: error.message });
      },
    },
    async (p) => {
      const typed = typedValues(p.form);
      const input: PasswordPolicyInput = {};
      for (const name of FLAG_FIELDS) input[name] = typed[name];
      for (const name of NUMBER_FIELDS) {
        const value = wholeNumber(name, p.form[name]);
        if (value !== undefined) input[name] = value;
      }
      await updatePasswordPolicy(p.deps, p.who.principal.accountId, input, actorOf(p.who.principal), p.meta);
      return redirect('/console/password-policy?done=saved');
    },
  );

  pages.post(
    '/console/password-policy/delete',
    {
      access: PASSWORD_POLICY_ACCESS.delete,
      form: {},
      // Deleted already (another tab, another administrator): the outcome the user wanted.
      redisplay: (_p, error) =>
        error.code === 'NoSuchEntity' ? redirect('/console/password-policy?done=deleted') : undefined,
    },
    async (p) => {
      await deletePasswordPolicy(p.deps, p.who.principal.accountId, actorOf(p.who.principal), p.meta);
      return redirect('/console/password-policy?done=deleted');
    },
  );
}
