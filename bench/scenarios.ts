import { AUTHORIZE_BATCH_SCENARIO, AUTHORIZE_SCENARIO } from './authorize-row.ts';
import { FLOOR_PATH } from './floor.ts';
import {
  type Connection,
  HttpConnection,
  type HttpResponse,
  cookieHeader,
  cookiesFrom,
  formBody,
} from './http-client.ts';
import type { OidcCodes } from './oidc-seed.ts';
import {
  BENCH_PASSWORD,
  type BenchTarget,
  NotServed,
  type Scenario,
  type SeededUsers,
  defineScenario,
} from './scenario.ts';
import { type SigningCredentials, signedQuery } from './sigv4-signer.ts';
import { STORE_SCENARIOS } from './store-rows.ts';

const WRONG_PASSWORD = 'not the bench password 2';
const FORM = 'application/x-www-form-urlencoded';
/** Sessions each connection of a session row signs in when users are seeded; each request picks one at random. */
const SESSIONS_PER_CONNECTION = 16;

/** How many seeded users share an account (the last account may have fewer). */
export const SEEDED_PER_ACCOUNT = 1000;

export function seededUser(seeded: SeededUsers, index: number): { accountRef: string; userName: string } {
  return { accountRef: seeded.accountIds[Math.floor(index / seeded.perAccount)]!, userName: `user-${index}` };
}

function randomSeededUser(seeded: SeededUsers) {
  return seededUser(seeded, Math.floor(Math.random() * seeded.count));
}

interface SignInForm {
  path: string;
  cookie: string;
  body: string;
}

/**
 * A connection's sign-in: one user's form, posted again and again (`form`), or, with seeded
 * users, a user picked at random for each request, posted with the connection's CSRF cookie
 * and token (`seeded`).
 */
type SignInState =
  | { form: SignInForm; seeded?: undefined }
  | { seeded: SeededUsers; cookie: string; csrf: string; password: string };

/** The CSRF cookie and token of a sign-in page, taken once, as a browser tab would. */
async function signInPage(baseUrl: string, path: string): Promise<{ cookie: string; csrf: string }> {
  const connection = new HttpConnection(baseUrl);
  try {
    const page = await connection.send({ method: 'GET', path });
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(page.body)?.[1];
    if (page.status !== 200 || !csrf) throw new Error(`GET ${path} gave ${page.status} without a CSRF token`);
    return { cookie: cookieHeader(cookiesFrom(page)), csrf };
  } finally {
    connection.close();
  }
}

/**
 * One sign-in form per user, each with its own CSRF cookie and token taken once from
 * the GET page, as a browser tab would, then posted again and again.
 */
async function signInForms(target: BenchTarget, users: string[], password: string): Promise<SignInForm[]> {
  const path = `/signin/${target.accountRef}`;
  return Promise.all(
    users.map(async (userName) => {
      const { cookie, csrf } = await signInPage(target.baseUrl, path);
      return { path, cookie, body: formBody({ _csrf: csrf, userName, password }) };
    }),
  );
}

/** Each connection's sign-in state: its own user's form, or seeded users at random. */
async function signInStates(
  target: BenchTarget,
  prefix: string,
  connections: number,
  password: string,
): Promise<SignInState[]> {
  const { seeded } = target;
  if (!seeded) {
    const forms = await signInForms(target, await target.createUsers(prefix, connections, BENCH_PASSWORD), password);
    return forms.map((form) => ({ form }));
  }
  return Promise.all(
    Array.from({ length: connections }, async () => ({
      seeded,
      password,
      ...(await signInPage(target.baseUrl, `/signin/${seeded.accountIds[0]}`)),
    })),
  );
}

function signInForm(state: SignInState): SignInForm {
  if (!state.seeded) return state.form;
  const { accountRef, userName } = randomSeededUser(state.seeded);
  return {
    path: `/signin/${accountRef}`,
    cookie: state.cookie,
    body: formBody({ _csrf: state.csrf, userName, password: state.password }),
  };
}

function postForm(connection: Connection, form: SignInForm) {
  return connection.send({
    method: 'POST',
    path: form.path,
    headers: { 'content-type': FORM, cookie: form.cookie },
    body: form.body,
  });
}

/** Signs in with `form` and returns the cookie header a browser would send afterwards. */
async function signedInCookie(baseUrl: string, form: SignInForm): Promise<string> {
  const connection = new HttpConnection(baseUrl);
  try {
    const response = await postForm(connection, form);
    if (response.status !== 303) throw new Error(`sign-in for a session row gave ${response.status}`);
    // The CSRF cookie goes along too, as a browser sends it, so a page need not set a new one.
    return cookieHeader(new Map([...cookiesFromHeader(form.cookie), ...cookiesFrom(response)]));
  } finally {
    connection.close();
  }
}

/** Signed-in browsers: one per connection, or with seeded users `SESSIONS_PER_CONNECTION` random ones each. */
interface SessionState {
  cookies: string[];
}

async function sessionStates(target: BenchTarget, prefix: string, connections: number): Promise<SessionState[]> {
  const states = await signInStates(target, prefix, connections, BENCH_PASSWORD);
  return Promise.all(
    states.map(async (state) => {
      const cookies: string[] = [];
      for (let i = 0; i < (state.seeded ? SESSIONS_PER_CONNECTION : 1); i++)
        cookies.push(await signedInCookie(target.baseUrl, signInForm(state)));
      return { cookies };
    }),
  );
}

function anyCookie(state: SessionState): string {
  return state.cookies[Math.floor(Math.random() * state.cookies.length)]!;
}

/** The session endpoint applications ask "who is this session?": JSON with the principal, MFA state and expiry. */
export const SESSION_API_PATH = '/console/api/session';

/** The floor row: Fastify saying hello with Gatehouse's server options (bench/floor.ts), served on its own. */
export const FLOOR_SCENARIO: Scenario<unknown> = defineScenario<Record<string, never>>({
  name: 'floor',
  label: 'Floor: Fastify hello-world, same server options',
  expect: '200',
  prepare: async (_target, connections) => Array.from({ length: connections }, () => ({})),
  request: async (connection) => (await connection.send({ method: 'GET', path: FLOOR_PATH })).status === 200,
});

/**
 * The scenarios, run in this order after the floor. Later capabilities add rows here (signed
 * Query API calls, credential stuffing, …); each uses its own users so that per-user effects
 * (throttling, rehashing) in one row do not distort another.
 */
export const SCENARIOS: Array<Scenario<unknown>> = [
  defineScenario<SignInState>({
    name: 'signin-ok',
    label: 'IAM sign-in, right password',
    expect: '303 → /console',
    prepare: (target, connections) => signInStates(target, 'ok', connections, BENCH_PASSWORD),
    request: async (connection, state) => {
      const response = await postForm(connection, signInForm(state));
      return response.status === 303 && response.headers.location === '/console';
    },
  }),
  defineScenario<SignInState>({
    name: 'signin-wrong',
    label: 'IAM sign-in, wrong password',
    expect: '401',
    prepare: (target, connections) => signInStates(target, 'wrong', connections, WRONG_PASSWORD),
    request: async (connection, state) => (await postForm(connection, signInForm(state))).status === 401,
  }),
  defineScenario<SessionState>({
    name: 'session',
    label: 'Session check, GET /console',
    expect: '200',
    prepare: (target, connections) => sessionStates(target, 'session', connections),
    request: async (connection, state) =>
      (await connection.send({ method: 'GET', path: '/console', headers: { cookie: anyCookie(state) } })).status ===
      200,
  }),
  defineScenario<SessionState>({
    name: 'session-api',
    label: `Session check, GET ${SESSION_API_PATH}`,
    expect: '200 JSON',
    prepare: async (target, connections) => {
      const states = await sessionStates(target, 'session-api', connections);
      const connection = new HttpConnection(target.baseUrl);
      try {
        const probe = await connection.send({
          method: 'GET',
          path: SESSION_API_PATH,
          headers: { cookie: states[0]!.cookies[0]! },
        });
        if (probe.status === 404) throw new NotServed(`GET ${SESSION_API_PATH} answers 404`);
        if (!isJsonOk(probe))
          throw new Error(`GET ${SESSION_API_PATH} gave ${probe.status}: ${probe.body.slice(0, 200)}`);
      } finally {
        connection.close();
      }
      return states;
    },
    request: async (connection, state) =>
      isJsonOk(await connection.send({ method: 'GET', path: SESSION_API_PATH, headers: { cookie: anyCookie(state) } })),
  }),
  defineScenario<SigningCredentials>({
    name: 'api-caller-identity',
    label: 'Query API, signed STS GetCallerIdentity',
    expect: '200',
    prepare: (target, connections) => apiCallers(target, 'gci', connections),
    request: async (connection, credentials) =>
      (
        await connection.send(
          signedQuery(connection.baseUrl, credentials, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15'),
        )
      ).status === 200,
  }),
  defineScenario<SigningCredentials>({
    name: 'api-list-users',
    label: 'Query API, signed IAM ListUsers (100 users)',
    expect: '200',
    prepare: async (target, connections) => {
      await target.createUsers('listed', 100, BENCH_PASSWORD);
      // ListUsers needs an administrator: every connection signs with the one root key.
      const credentials = await target.createAccessKey(null);
      return Array.from({ length: connections }, () => credentials);
    },
    request: async (connection, credentials) =>
      (
        await connection.send(
          signedQuery(connection.baseUrl, credentials, 'iam', 'Action=ListUsers&Version=2010-05-08'),
        )
      ).status === 200,
  }),
  defineScenario<AssumeRoleState>({
    name: 'api-assume-role',
    label: 'Query API, signed STS AssumeRole (trust names the account)',
    expect: '200 (assumes/s)',
    prepare: (target, connections) => assumeRoleStates(target, connections),
    request: async (connection, state) => {
      state.sequence++;
      const body = formBody({
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: state.roleArn,
        RoleSessionName: `bench-${state.sequence}`,
      });
      return (await connection.send(signedQuery(connection.baseUrl, state.credentials, 'sts', body))).status === 200;
    },
  }),
  AUTHORIZE_SCENARIO,
  AUTHORIZE_BATCH_SCENARIO,
  ...STORE_SCENARIOS,
  defineScenario<CodeExchangeState>({
    name: 'oidc-token',
    label: 'OpenID Connect token endpoint: authorization code + PKCE exchanged',
    expect: '200 JSON with id_token (code exchanges/s)',
    prepare: async (target, connections, run) => {
      const [userName] = await target.createUsers('oidc-token', 1, BENCH_PASSWORD);
      const perConnection = Math.ceil((OIDC_EXCHANGES_PER_SECOND_CEILING * run.seconds) / connections);
      const seeded = await target.createOidcCodes(
        userName!,
        perConnection * connections,
        run.seconds + OIDC_CODE_TTL_MARGIN_SECONDS,
      );
      return Array.from({ length: connections }, (_, i) => ({
        ...seeded,
        codes: seeded.codes.slice(i * perConnection, (i + 1) * perConnection),
      }));
    },
    request: async (connection, state) => {
      const code = state.codes.pop();
      if (!code) throw new Error('the seeded authorization codes ran out: raise OIDC_EXCHANGES_PER_SECOND_CEILING');
      const response = await exchangeCode(connection, state, code);
      return isJsonOk(response) && response.body.includes('"id_token"');
    },
  }),
  defineScenario<{ authorization: string }>({
    name: 'oidc-userinfo',
    label: 'OpenID Connect userinfo, GET /oidc/me with a bearer token',
    expect: '200 JSON',
    prepare: async (target, connections) => {
      const [userName] = await target.createUsers('oidc-userinfo', 1, BENCH_PASSWORD);
      const seeded = await target.createOidcCodes(userName!, connections, OIDC_CODE_TTL_MARGIN_SECONDS);
      const connection = new HttpConnection(target.baseUrl);
      try {
        const states: { authorization: string }[] = [];
        for (const code of seeded.codes) {
          const response = await exchangeCode(connection, seeded, code);
          if (!isJsonOk(response))
            throw new Error(`POST ${OIDC_TOKEN_PATH} gave ${response.status}: ${response.body.slice(0, 200)}`);
          const { access_token: accessToken } = JSON.parse(response.body) as { access_token: string };
          states.push({ authorization: `Bearer ${accessToken}` });
        }
        return states;
      } finally {
        connection.close();
      }
    },
    request: async (connection, state) =>
      isJsonOk(
        await connection.send({
          method: 'GET',
          path: OIDC_USERINFO_PATH,
          headers: { authorization: state.authorization },
        }),
      ),
  }),
  defineScenario<StuffingState>({
    name: 'credential-stuffing',
    label: 'Credential stuffing: attackers on one user, the owner on a trusted device (runs last)',
    expect: "attackers 401, owner 303; owner p99/success and attackers' accepted guesses/s on stderr",
    prepare: (target, connections) => stuffing(target, connections),
    request: (connection, state) => stuffingRequest(connection, state),
  }),
];

/** Rows that `--instances N` runs twice: against one instance, then spread over all N. */
export const SCALE_OUT_SCENARIOS = ['signin-ok', 'session', 'session-api'];

/** The floor and every Gatehouse row, by name (the load generator looks its row up here). */
export function scenarioNamed(name: string): Scenario<unknown> | undefined {
  return name === FLOOR_SCENARIO.name ? FLOOR_SCENARIO : SCENARIOS.find((s) => s.name === name);
}

/** The token endpoint and userinfo under the issuer, PUBLIC_URL/oidc. */
const OIDC_TOKEN_PATH = '/oidc/token';
const OIDC_USERINFO_PATH = '/oidc/me';
/**
 * Code exchanges a second the `oidc-token` row seeds codes for, over the whole run: above any
 * rate it reaches, since each request spends one (a connection that runs out reports errors).
 */
const OIDC_EXCHANGES_PER_SECOND_CEILING = 1000;
/** Seeded codes outlive the run by this much (seeding itself takes a while). */
const OIDC_CODE_TTL_MARGIN_SECONDS = 600;

/** A connection's share of the seeded codes, spent one per request. */
type CodeExchangeState = OidcCodes;

/** POST /oidc/token: one authorization code for tokens, the client authenticated with HTTP Basic, as an application does. */
function exchangeCode(connection: Connection, client: Omit<OidcCodes, 'codes'>, code: string): Promise<HttpResponse> {
  return connection.send({
    method: 'POST',
    path: OIDC_TOKEN_PATH,
    headers: {
      'content-type': FORM,
      authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`,
    },
    body: formBody({
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUri,
      code_verifier: client.codeVerifier,
    }),
  });
}

function isJsonOk(response: HttpResponse): boolean {
  const type = response.headers['content-type'];
  return response.status === 200 && typeof type === 'string' && type.startsWith('application/json');
}

/**
 * Credential stuffing: every connection but the first floods wrong passwords for one user,
 * each request from a new address in a new /24 (X-Forwarded-For; the bench server trusts
 * it), under the production throttle settings. The first connection is the owner, on the
 * browser it signed in with before (its device cookie), signing in again and again. The
 * owner's latencies and the server's count of guesses actually checked are printed from
 * the load process every `STUFFING_REPORT_EVERY` owner sign-ins.
 */
const STUFFING_REPORT_EVERY = 10;

interface StuffingState {
  role: 'owner' | 'attacker';
  form: SignInForm;
  /** Every instance's: the guesses checked are counted over all of them. */
  baseUrls: string[];
  /** Owner only: latencies (ms) and successes since the start. */
  latencies: number[];
  successes: number;
  startedAt: number;
  checkedAtStart: number;
  sequence: number;
}

async function stuffing(target: BenchTarget, connections: number): Promise<StuffingState[]> {
  const [victim] = await target.createUsers('stuffed', 1, BENCH_PASSWORD);
  const [ownerForm] = await signInForms(target, [victim!], BENCH_PASSWORD);
  // The owner signs in once under the lenient settings, as any day before the attack: the device cookie.
  const first = new HttpConnection(target.baseUrl);
  try {
    const response = await postForm(first, ownerForm!);
    if (response.status !== 303) throw new Error(`owner's first sign-in gave ${response.status}`);
    ownerForm!.cookie = cookieHeader(
      new Map([
        ...cookiesFromHeader(ownerForm!.cookie),
        ...[...cookiesFrom(response)].filter(([name]) => name === 'gh_device'),
      ]),
    );
  } finally {
    first.close();
  }
  await target.throttleAsInProduction();
  const attackerForms = await signInForms(target, Array(Math.max(1, connections - 1)).fill(victim!), WRONG_PASSWORD);
  const checked = await checkedGuesses(target.baseUrls);
  const base = {
    baseUrls: target.baseUrls,
    latencies: [],
    successes: 0,
    startedAt: Date.now(),
    checkedAtStart: checked,
    sequence: 0,
  };
  return [
    { ...base, role: 'owner', form: ownerForm! },
    ...attackerForms.map((form) => ({ ...base, latencies: [], role: 'attacker' as const, form })),
  ];
}

async function stuffingRequest(connection: Connection, state: StuffingState): Promise<boolean> {
  state.sequence++;
  if (state.role === 'attacker') {
    const n = Math.floor(Math.random() * 2 ** 24);
    const address = `${10 + ((n >> 16) % 100)}.${(n >> 8) & 255}.${n & 255}.${1 + (state.sequence % 250)}`;
    const response = await connection.send({
      method: 'POST',
      path: state.form.path,
      headers: { 'content-type': FORM, cookie: state.form.cookie, 'x-forwarded-for': address },
      body: state.form.body,
    });
    return response.status === 401;
  }
  const started = performance.now();
  const response = await connection.send({
    method: 'POST',
    path: state.form.path,
    // A real owner signs in a few times a day; here each sample comes from its own /24 so
    // the per-address and per-network limits (which such an owner never reaches) do not
    // decide the result: only the identifier's state and the device cookie do.
    headers: {
      'content-type': FORM,
      cookie: state.form.cookie,
      'x-forwarded-for': `172.${16 + ((state.sequence >> 8) % 16)}.${state.sequence & 255}.1`,
    },
    body: state.form.body,
  });
  state.latencies.push(performance.now() - started);
  const ok = response.status === 303;
  if (ok) state.successes++;
  if (state.latencies.length % STUFFING_REPORT_EVERY === 0) {
    const sorted = [...state.latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
    const seconds = (Date.now() - state.startedAt) / 1000;
    const accepted = ((await checkedGuesses(state.baseUrls)) - state.checkedAtStart) / seconds;
    process.stderr.write(
      `credential-stuffing: owner ${state.latencies.length} sign-ins, ${((100 * state.successes) / state.latencies.length).toFixed(1)} % succeeded, ` +
        `p99 ${p99.toFixed(1)} ms; attackers' guesses actually checked: ${accepted.toFixed(2)}/s\n`,
    );
  }
  return ok;
}

/** Wrong passwords the servers really checked (failures; throttled attempts are counted apart), over every instance. */
async function checkedGuesses(baseUrls: string[]): Promise<number> {
  let checked = 0;
  for (const baseUrl of baseUrls) {
    const connection = new HttpConnection(baseUrl);
    try {
      const response = await connection.send({ method: 'GET', path: '/metrics' });
      checked += Number(/^gatehouse_signins_total\{outcome="failure"\} (\d+)$/m.exec(response.body)?.[1] ?? 0);
    } finally {
      connection.close();
    }
  }
  return checked;
}

/** One IAM user with its own access key per connection (so last-used writes spread over keys). */
async function apiCallers(target: BenchTarget, prefix: string, connections: number): Promise<SigningCredentials[]> {
  const users = await target.createUsers(prefix, connections, BENCH_PASSWORD);
  return Promise.all(users.map((name) => target.createAccessKey(name)));
}

function cookiesFromHeader(header: string): Map<string, string> {
  const jar = new Map<string, string>();
  for (const pair of header.split('; ')) {
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return jar;
}

interface AssumeRoleState {
  credentials: SigningCredentials;
  roleArn: string;
  sequence: number;
}

/**
 * One role whose trust policy names the account, so each AssumeRole reads both sides (the
 * trust policy and the caller's own policy); one IAM user per connection, allowed to assume it.
 * Made through the Query API with the root key; NotServed when this build has no CreateRole.
 */
async function assumeRoleStates(target: BenchTarget, connections: number): Promise<AssumeRoleState[]> {
  const root = await target.createAccessKey(null);
  const connection = new HttpConnection(target.baseUrl);
  const iam = (params: Record<string, string>) =>
    connection.send(signedQuery(target.baseUrl, root, 'iam', formBody({ Version: '2010-05-08', ...params })));
  try {
    const accountId = /<Account>(\d{12})<\/Account>/.exec(
      (await connection.send(signedQuery(target.baseUrl, root, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15')))
        .body,
    )?.[1];
    const created = await iam({
      Action: 'CreateRole',
      RoleName: `bench-role-${Date.now()}`,
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
        ],
      }),
    });
    if (created.status === 400 && created.body.includes('InvalidAction'))
      throw new NotServed('CreateRole is not served');
    const roleArn = /<Arn>([^<]+)<\/Arn>/.exec(created.body)?.[1];
    if (created.status !== 200 || !roleArn)
      throw new Error(`CreateRole gave ${created.status}: ${created.body.slice(0, 200)}`);
    const users = await target.createUsers('assume', connections, BENCH_PASSWORD);
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: roleArn }],
    });
    for (const userName of users) {
      const put = await iam({
        Action: 'PutUserPolicy',
        UserName: userName,
        PolicyName: 'assume',
        PolicyDocument: policy,
      });
      if (put.status !== 200) throw new Error(`PutUserPolicy gave ${put.status}: ${put.body.slice(0, 200)}`);
    }
    return Promise.all(
      users.map(async (name) => ({ credentials: await target.createAccessKey(name), roleArn, sequence: 0 })),
    );
  } finally {
    connection.close();
  }
}
