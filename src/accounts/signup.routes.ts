import type { FastifyInstance } from 'fastify';
import type { Actor } from '../audit/audit.service.ts';
import { noSession } from '../authz/console-access.ts';
import { pageRoutes, withStatus } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { checkYourEmailPage, signupPage } from './signup.pages.ts';
import { signUp } from './signup.service.ts';

const SIGNUP_ACTOR: Actor = { type: 'anonymous', id: null, name: 'sign-up page' };

const SIGNING_UP = noSession('Sign-up creates an account and its root user: the person has no session to bring.');

const SIGNUP_FORM = {
  email: { max: 254 },
  name: { max: 50 },
  password: { max: 1024 },
  confirm: { max: 1024 },
};

/** `/signup`: create an account and its root user. */
export async function signupRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  pages.get('/signup', { access: SIGNING_UP }, (p) => signupPage(p.csrf));

  pages.post(
    '/signup',
    {
      access: SIGNING_UP,
      form: SIGNUP_FORM,
      redisplay: (p, error) => {
        const key = (['email', 'name', 'password'] as const).find((f) => f === error.field) ?? 'form';
        return signupPage(p.csrf, { email: p.form.email, name: p.form.name }, { [key]: error.message });
      },
    },
    async (p) => {
      const { email, name, password, confirm } = p.form;
      if (password !== confirm)
        return withStatus(400, signupPage(p.csrf, { email, name }, { confirm: 'The passwords do not match.' }));
      await signUp(p.deps, { email, password, name }, SIGNUP_ACTOR, p.meta);
      return withStatus(201, checkYourEmailPage(name.trim()));
    },
  );
}
