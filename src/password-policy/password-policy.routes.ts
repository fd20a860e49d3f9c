import type { FastifyInstance, FastifyReply } from 'fastify';
import { actorOf } from '../identities/principal.ts';
import { mayUse, permission } from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { readForm } from '../web/forms.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
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

/** The console's Password policy page: view, replace and delete the account password policy. */
export async function passwordPolicyRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

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

  app.get<{ Querystring: { done?: string } }>(
    '/console/password-policy',
    { config: { access: PASSWORD_POLICY_ACCESS.view } },
    async (request, reply) => {
      const who = signedInOf(request);
      return send(
        reply,
        200,
        await render(who, web.csrfToken(request, reply), null, {}, ownEntry(NOTICES, request.query.done)),
      );
    },
  );

  app.post(
    '/console/password-policy',
    { config: { access: PASSWORD_POLICY_ACCESS.update } },
    async (request, reply) => {
      const who = signedInOf(request);
      const form = readForm(request, {
        minimumPasswordLength: { max: 16, optional: true },
        maxPasswordAge: { max: 16, optional: true },
        passwordReusePrevention: { max: 16, optional: true },
        requireUppercaseCharacters: { max: 2, optional: true },
        requireLowercaseCharacters: { max: 2, optional: true },
        requireNumbers: { max: 2, optional: true },
        requireSymbols: { max: 2, optional: true },
        allowUsersToChangePassword: { max: 2, optional: true },
        hardExpiry: { max: 2, optional: true },
      });
      const typed: PolicyFormValues = {
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
      try {
        const input: PasswordPolicyInput = {};
        for (const name of FLAG_FIELDS) input[name] = typed[name];
        for (const name of NUMBER_FIELDS) {
          const value = wholeNumber(name, form[name]);
          if (value !== undefined) input[name] = value;
        }
        await updatePasswordPolicy(web.deps, who.principal.accountId, input, actorOf(who.principal), metaOf(request));
      } catch (error) {
        if (error instanceof GatehouseError && error.code === 'ValidationError') {
          const key = NUMBER_FIELDS.find((f) => f === error.field) ?? 'form';
          return send(reply, 400, await render(who, web.csrfToken(request, reply), typed, { [key]: error.message }));
        }
        throw error;
      }
      return reply.redirect('/console/password-policy?done=saved', 303);
    },
  );

  app.post(
    '/console/password-policy/delete',
    { config: { access: PASSWORD_POLICY_ACCESS.delete } },
    async (request, reply) => {
      const who = signedInOf(request);
      readForm(request, {});
      try {
        await deletePasswordPolicy(web.deps, who.principal.accountId, actorOf(who.principal), metaOf(request));
      } catch (error) {
        // Deleted already (another tab, another administrator): the outcome the user wanted.
        if (!(error instanceof GatehouseError && error.code === 'NoSuchEntity')) throw error;
      }
      return reply.redirect('/console/password-policy?done=deleted', 303);
    },
  );
}
