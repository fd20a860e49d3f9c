import { createAccessKey, resolveKeyOwner } from '../access-keys/access-key.service.ts';
import { createAccount } from '../accounts/account.service.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { type Config, loadConfig } from '../config/config.ts';
import { recordedPublicUrl } from '../instance-settings/public-url.service.ts';
import { migrateOrThrow } from '../db/migrate.ts';
import { printOutboxList, printOutboxMessage } from '../mail/outbox.cli.ts';
import { createRuntime, type Runtime, withPublicUrl } from '../runtime.ts';
import { createUser, setUserPassword } from '../users/user.service.ts';
import { accountIdOf } from './account-ref.ts';
import { type Command, UsageError, listLimit, printResult, readStdinSecret, required } from './cli-io.ts';
import { serve } from './serve.ts';
import { auditCommands } from '../activity/audit-verify.cli.ts';
import { supportCommands } from '../support/support.cli.ts';
import { purgeCommands } from '../maintenance/purge.cli.ts';
import { secretKeyCommands } from '../maintenance/secret-key.cli.ts';
import { phoneOutboxCommands } from '../mfa/phone-outbox.cli.ts';
import { oidcCommands } from '../oidc/oidc.cli.ts';
import { serviceTrustCommands } from '../authorize-request/service-trust.cli.ts';

/** `buildsLinks`: the command may queue mail with links into Gatehouse (see `linkToServer`). */
async function withRuntime<T>(
  work: (runtime: Runtime) => Promise<T>,
  options: { buildsLinks?: boolean } = {},
): Promise<T> {
  const config = loadConfig();
  const runtime = createRuntime(config);
  try {
    if (runtime.database.dialect === 'sqlite') await migrateOrThrow(runtime.database.db);
    if (options.buildsLinks) await linkToServer(config, runtime);
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/**
 * Links in mail must lead to the server, whose address the command line's own environment may
 * not know: without PUBLIC_URL here, the origin `serve` recorded in the database is used; with
 * neither, the default made from HOST and PORT, with a warning.
 */
async function linkToServer(config: Config, runtime: Runtime): Promise<void> {
  if (config.publicUrlSet) return;
  const recorded = await recordedPublicUrl(runtime.deps);
  if (recorded) {
    runtime.deps = withPublicUrl(runtime.deps, recorded);
    return;
  }
  process.stderr.write(
    `gatehouse: warning: PUBLIC_URL is not set and no server has recorded its address in this database; links in mail lead to ${config.publicUrl.origin}. Set PUBLIC_URL, or start "gatehouse serve" once.\n`,
  );
}

/** `--workers` or `WORKERS`: a whole number from 1 to 64. */
function workerCount(flag: unknown, env: string | undefined): number {
  const text = typeof flag === 'string' ? flag : env;
  if (text === undefined || text === '') return 1;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new UsageError(`--workers must be a whole number from 1 to 64, not "${text}".`);
  return n;
}

const COMMANDS: Record<string, Command> = {
  serve: {
    summary: 'Migrate (on the embedded default or with --migrate) and serve HTTP.',
    help: `Usage: gatehouse serve [--migrate] [--workers N]

Starts the HTTP server on HOST:PORT. On the embedded SQLite default the database is
migrated first; with PostgreSQL pass --migrate (or run "gatehouse migrate" once).
--workers N (or WORKERS=N) serves from N processes sharing the port, to use N cores;
this process then migrates, delivers mail and restarts a worker that dies. Default 1.
Stops gracefully on SIGTERM or SIGINT: in-flight requests finish, then it exits.`,
    options: { migrate: { type: 'boolean' }, workers: { type: 'string' } },
    run: async (values) =>
      serve({ migrate: values.migrate === true, workers: workerCount(values.workers, process.env.WORKERS) }),
  },
  migrate: {
    summary: 'Apply database migrations and print each one.',
    help: `Usage: gatehouse migrate [--json]

Applies every pending migration to DATABASE_URL, printing each. Exits non-zero on failure.`,
    options: {},
    run: async (values) => {
      const config = loadConfig();
      const runtime = createRuntime(config);
      try {
        const applied = await migrateOrThrow(runtime.database.db);
        printResult(
          values.json === true,
          { applied },
          applied.length ? applied.map((m) => `applied ${m}`).join('\n') : 'nothing to apply',
        );
        return 0;
      } finally {
        await runtime.close();
      }
    },
  },
  'account create': {
    summary: 'Create an account and its root user.',
    help: `Usage: gatehouse account create --email EMAIL --password-stdin [--alias ALIAS] [--name NAME] [--json]

Creates an account whose root user signs in with EMAIL and the password read from
standard input. --json prints {"accountId":"123456789012","email":"…"}.`,
    options: {
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      alias: { type: 'string' },
      name: { type: 'string' },
    },
    run: async (values) => {
      const email = required(values, 'email');
      if (!values['password-stdin']) throw new UsageError('--password-stdin is required: pipe the password in.');
      const password = await readStdinSecret();
      return withRuntime(
        async (runtime) => {
          const account = await createAccount(
            runtime.deps,
            {
              email,
              password,
              ...(typeof values.alias === 'string' ? { alias: values.alias } : {}),
              ...(typeof values.name === 'string' ? { name: values.name } : {}),
            },
            CLI_ACTOR,
            SYSTEM_META,
          );
          printResult(
            values.json === true,
            { accountId: account.id, email: email.trim() },
            `Created account ${account.id} for ${email.trim()}`,
          );
          return 0;
        },
        { buildsLinks: true },
      );
    },
  },
  'user create': {
    summary: 'Create an IAM user, optionally with a console password.',
    help: `Usage: gatehouse user create --account ID_OR_ALIAS --name NAME [--path /p/] [--password-stdin] [--require-reset] [--admin] [--json]

Creates IAM user NAME. With --password-stdin the user gets a console password read
from standard input; --require-reset makes them choose a new one at first sign-in.
--admin marks the user an administrator of the account.`,
    options: {
      account: { type: 'string' },
      name: { type: 'string' },
      path: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'require-reset': { type: 'boolean' },
      admin: { type: 'boolean' },
    },
    run: async (values) => {
      const ref = required(values, 'account');
      const name = required(values, 'name');
      const password = values['password-stdin'] ? await readStdinSecret() : undefined;
      return withRuntime(async (runtime) => {
        const accountId = await accountIdOf(runtime, ref);
        const user = await createUser(
          runtime.deps,
          accountId,
          {
            name,
            ...(typeof values.path === 'string' ? { path: values.path } : {}),
            ...(password !== undefined ? { password, passwordResetRequired: values['require-reset'] === true } : {}),
            isAdmin: values.admin === true,
          },
          CLI_ACTOR,
          SYSTEM_META,
        );
        const arn = `arn:aws:iam::${accountId}:user${user.path}${user.name}`;
        printResult(
          values.json === true,
          { UserName: user.name, UserId: user.id, Arn: arn, Path: user.path },
          `Created user ${arn}`,
        );
        return 0;
      });
    },
  },
  'outbox list': {
    summary: 'List the mail in the outbox, newest first.',
    help: `Usage: gatehouse outbox list [--to EMAIL] [--limit N] [--json]

Lists queued and delivered mail: ID, time queued, status (queued, sending, sent,
deferred, failed; held past the per-recipient limit, folded into a digest), recipient
and subject. Without SMTP_URL every message stays here.
--json prints an array of {"id","to","subject","template","status","attempts","createdAt","sentAt","lastReply"}.`,
    options: { to: { type: 'string' }, limit: { type: 'string' } },
    run: async (values) => {
      const limit = listLimit(values);
      return withRuntime(async (runtime) => {
        await printOutboxList(runtime, {
          json: values.json === true,
          limit,
          ...(typeof values.to === 'string' ? { to: values.to } : {}),
        });
        return 0;
      });
    },
  },
  'outbox show': {
    summary: 'Print one message of the outbox, with its links.',
    help: `Usage: gatehouse outbox show ID [--json]

Prints the recipient, subject, status, plain-text body and links of message ID
(from "gatehouse outbox list"); the body is stored sealed and erased once sent.
--json adds "text", "links", "body" (readable, erased, in-digest or unreadable) and
"digestId" to the list fields.`,
    options: {},
    positionals: 1,
    run: async (values, positionals) => {
      const id = positionals[0];
      if (!id) throw new UsageError('Give the message ID: gatehouse outbox show ID');
      return withRuntime(async (runtime) => {
        await printOutboxMessage(runtime, id, { json: values.json === true });
        return 0;
      });
    },
  },
  'user set-password': {
    summary: "Set or reset an IAM user's console password.",
    help: `Usage: gatehouse user set-password --account ID_OR_ALIAS --name NAME --password-stdin [--require-reset] [--json]

Sets the console password of IAM user NAME to the one read from standard input,
creating its login profile when it has none. The user's sessions end.`,
    options: {
      account: { type: 'string' },
      name: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'require-reset': { type: 'boolean' },
    },
    run: async (values) => {
      const ref = required(values, 'account');
      const name = required(values, 'name');
      if (!values['password-stdin']) throw new UsageError('--password-stdin is required: pipe the password in.');
      const password = await readStdinSecret();
      return withRuntime(async (runtime) => {
        const accountId = await accountIdOf(runtime, ref);
        const outcome = await setUserPassword(
          runtime.deps,
          accountId,
          name,
          password,
          values['require-reset'] === true,
          CLI_ACTOR,
          SYSTEM_META,
        );
        printResult(
          values.json === true,
          { UserName: name, LoginProfile: outcome, PasswordResetRequired: values['require-reset'] === true },
          `Password ${outcome === 'created' ? 'set' : 'reset'} for ${name}`,
        );
        return 0;
      });
    },
  },
  'access-key create': {
    summary: 'Create an access key for the root user or an IAM user (for the AWS SDK / CLI).',
    help: `Usage: gatehouse access-key create --account ID_OR_ALIAS (--root | --user NAME) [--json]

Creates an access key (at most two per user) and prints its secret, which is shown
this once only. --json prints {"AccessKeyId":"AKIA…","SecretAccessKey":"…"}.
Root access keys can do everything in the account: prefer an IAM user's key.`,
    options: { account: { type: 'string' }, root: { type: 'boolean' }, user: { type: 'string' } },
    run: async (values) => {
      const ref = required(values, 'account');
      const userName = typeof values.user === 'string' ? values.user : null;
      if ((values.root === true) === (userName !== null))
        throw new UsageError('Give exactly one of --root or --user NAME.');
      return withRuntime(async (runtime) => {
        const accountId = await accountIdOf(runtime, ref);
        const owner = await resolveKeyOwner(runtime.deps.db, accountId, userName);
        const key = await createAccessKey(runtime.deps, owner, CLI_ACTOR, SYSTEM_META);
        printResult(
          values.json === true,
          { AccessKeyId: key.accessKeyId, SecretAccessKey: key.secretAccessKey },
          `AccessKeyId     ${key.accessKeyId}\nSecretAccessKey ${key.secretAccessKey}\n(The secret is shown only now.)`,
        );
        return 0;
      });
    },
  },
  ...auditCommands(withRuntime),
  ...supportCommands(withRuntime),
  ...purgeCommands(withRuntime),
  ...secretKeyCommands(withRuntime),
  ...phoneOutboxCommands(withRuntime),
  ...oidcCommands(withRuntime),
  ...serviceTrustCommands(withRuntime),
};

/** Every command by its words ("user create"); a Map, so a typed `toString` or `__proto__` names none. */
export const commands: ReadonlyMap<string, Command> = new Map(Object.entries(COMMANDS));
