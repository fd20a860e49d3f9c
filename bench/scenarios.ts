import { type Connection, HttpConnection, cookieHeader, cookiesFrom, formBody } from './http-client.ts';
import { type SigningCredentials, signedQuery } from './sigv4-signer.ts';

/**
 * What a scenario's `prepare` may use: the listening server and a way to seed it.
 * `prepare` runs in the server's process; `request` runs in the load generator's.
 */
export interface BenchTarget {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** The benchmark account's alias, as in `/signin/<alias>`. */
  accountRef: string;
  /** Creates `count` IAM users with this console password (each hashed once); returns their names. */
  createUsers(prefix: string, count: number, password: string): Promise<string[]>;
  /** Switches the running server to the production throttle settings (for the credential-stuffing row, run last). */
  throttleAsInProduction(): Promise<void>;
  /** Creates an access key for the root user (`userName` null) or an IAM user; returns it with its secret. */
  createAccessKey(userName: string | null): Promise<SigningCredentials>;
}

/**
 * One row of the benchmark. `prepare` returns one JSON-serialisable state per
 * connection (it crosses a process boundary); `request` sends one request on that
 * connection and says whether the answer is the one the scenario expects. A
 * connection's state object stays in the load process between requests, so a
 * scenario may keep counters in it (e.g. to walk through a list of passwords).
 */
export interface Scenario<State = unknown> {
  /** Short id, used by `--scenario`. */
  name: string;
  /** Row label in the results table. */
  label: string;
  /** What counts as a good response, printed in the table's note column. */
  expect: string;
  prepare(target: BenchTarget, connections: number): Promise<State[]>;
  request(connection: Connection, state: State): Promise<boolean>;
}

function defineScenario<State>(scenario: Scenario<State>): Scenario<unknown> {
  return scenario as Scenario<unknown>;
}

const PASSWORD = 'bench password for sign-in 1';
const WRONG_PASSWORD = 'not the bench password 2';
const FORM = 'application/x-www-form-urlencoded';

interface SignInForm {
  path: string;
  cookie: string;
  body: string;
}

/**
 * One sign-in form per user, each with its own CSRF cookie and token taken once from
 * the GET page, as a browser tab would, then posted again and again.
 */
async function signInForms(target: BenchTarget, users: string[], password: string): Promise<SignInForm[]> {
  const path = `/signin/${target.accountRef}`;
  return Promise.all(
    users.map(async (userName) => {
      const connection = new HttpConnection(target.baseUrl);
      try {
        const page = await connection.send({ method: 'GET', path });
        const token = /name="_csrf" value="([0-9a-f]{64})"/.exec(page.body)?.[1];
        if (page.status !== 200 || !token) throw new Error(`GET ${path} gave ${page.status} without a CSRF token`);
        return { path, cookie: cookieHeader(cookiesFrom(page)), body: formBody({ _csrf: token, userName, password }) };
      } finally {
        connection.close();
      }
    }),
  );
}

function postForm(connection: Connection, form: SignInForm) {
  return connection.send({
    method: 'POST',
    path: form.path,
    headers: { 'content-type': FORM, cookie: form.cookie },
    body: form.body,
  });
}

/**
 * The scenarios, run in this order. Later capabilities add rows here (signed Query API
 * calls, credential stuffing, …); each uses its own users so that per-user effects
 * (throttling, rehashing) in one row do not distort another.
 */
export const SCENARIOS: Array<Scenario<unknown>> = [
  defineScenario<SignInForm>({
    name: 'signin-ok',
    label: 'IAM sign-in, right password',
    expect: '303 → /console',
    prepare: async (target, connections) =>
      signInForms(target, await target.createUsers('ok', connections, PASSWORD), PASSWORD),
    request: async (connection, form) => {
      const response = await postForm(connection, form);
      return response.status === 303 && response.headers.location === '/console';
    },
  }),
  defineScenario<SignInForm>({
    name: 'signin-wrong',
    label: 'IAM sign-in, wrong password',
    expect: '401',
    prepare: async (target, connections) =>
      signInForms(target, await target.createUsers('wrong', connections, PASSWORD), WRONG_PASSWORD),
    request: async (connection, form) => (await postForm(connection, form)).status === 401,
  }),
  defineScenario<{ cookie: string }>({
    name: 'session',
    label: 'Session check, GET /console',
    expect: '200',
    prepare: async (target, connections) => {
      const forms = await signInForms(target, await target.createUsers('session', connections, PASSWORD), PASSWORD);
      return Promise.all(
        forms.map(async (form) => {
          const connection = new HttpConnection(target.baseUrl);
          try {
            const response = await postForm(connection, form);
            if (response.status !== 303) throw new Error(`sign-in for the session scenario gave ${response.status}`);
            // The CSRF cookie goes along too, as a browser sends it, so the page need not set a new one.
            const jar = new Map([...cookiesFromHeader(form.cookie), ...cookiesFrom(response)]);
            return { cookie: cookieHeader(jar) };
          } finally {
            connection.close();
          }
        }),
      );
    },
    request: async (connection, state) =>
      (await connection.send({ method: 'GET', path: '/console', headers: { cookie: state.cookie } })).status === 200,
  }),
  defineScenario<ApiCaller>({
    name: 'api-caller-identity',
    label: 'Query API, signed STS GetCallerIdentity',
    expect: '200',
    prepare: (target, connections) => apiCallers(target, 'gci', connections),
    request: async (connection, state) =>
      (
        await connection.send(
          signedQuery(state.baseUrl, state.credentials, 'sts', 'Action=GetCallerIdentity&Version=2011-06-15'),
        )
      ).status === 200,
  }),
  defineScenario<ApiCaller>({
    name: 'api-list-users',
    label: 'Query API, signed IAM ListUsers (100 users)',
    expect: '200',
    prepare: async (target, connections) => {
      await target.createUsers('listed', 100, PASSWORD);
      // ListUsers needs an administrator: every connection signs with the one root key.
      const credentials = await target.createAccessKey(null);
      return Array.from({ length: connections }, () => ({ baseUrl: target.baseUrl, credentials }));
    },
    request: async (connection, state) =>
      (
        await connection.send(
          signedQuery(state.baseUrl, state.credentials, 'iam', 'Action=ListUsers&Version=2010-05-08'),
        )
      ).status === 200,
  }),
  defineScenario<StuffingState>({
    name: 'credential-stuffing',
    label: 'Credential stuffing: attackers on one user, the owner on a trusted device (runs last)',
    expect: "attackers 401, owner 303; owner p99/success and attackers' accepted guesses/s on stderr",
    prepare: (target, connections) => stuffing(target, connections),
    request: (connection, state) => stuffingRequest(connection, state),
  }),
];

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
  baseUrl: string;
  /** Owner only: latencies (ms) and successes since the start. */
  latencies: number[];
  successes: number;
  startedAt: number;
  checkedAtStart: number;
  sequence: number;
}

async function stuffing(target: BenchTarget, connections: number): Promise<StuffingState[]> {
  const [victim] = await target.createUsers('stuffed', 1, PASSWORD);
  const [ownerForm] = await signInForms(target, [victim!], PASSWORD);
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
  const checked = await checkedGuesses(target.baseUrl);
  const base = {
    baseUrl: target.baseUrl,
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
    const accepted = ((await checkedGuesses(state.baseUrl)) - state.checkedAtStart) / seconds;
    process.stderr.write(
      `credential-stuffing: owner ${state.latencies.length} sign-ins, ${((100 * state.successes) / state.latencies.length).toFixed(1)} % succeeded, ` +
        `p99 ${p99.toFixed(1)} ms; attackers' guesses actually checked: ${accepted.toFixed(2)}/s\n`,
    );
  }
  return ok;
}

/** Wrong passwords the server really checked (failures; throttled attempts are counted apart). */
async function checkedGuesses(baseUrl: string): Promise<number> {
  const connection = new HttpConnection(baseUrl);
  try {
    const response = await connection.send({ method: 'GET', path: '/metrics' });
    return Number(/^gatehouse_signins_total\{outcome="failure"\} (\d+)$/m.exec(response.body)?.[1] ?? 0);
  } finally {
    connection.close();
  }
}

interface ApiCaller {
  baseUrl: string;
  credentials: SigningCredentials;
}

/** One administrator IAM user with its own access key per connection (so last-used writes spread over keys). */
async function apiCallers(target: BenchTarget, prefix: string, connections: number): Promise<ApiCaller[]> {
  const users = await target.createUsers(prefix, connections, PASSWORD);
  return Promise.all(
    users.map(async (name) => ({ baseUrl: target.baseUrl, credentials: await target.createAccessKey(name) })),
  );
}

function cookiesFromHeader(header: string): Map<string, string> {
  const jar = new Map<string, string>();
  for (const pair of header.split('; ')) {
    const eq = pair.indexOf('=');
    if (eq > 0) jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return jar;
}
