/** Says once, loudly, when the PostgreSQL suites will be skipped. */
export default function setup(): void {
  if (!process.env.TEST_DATABASE_URL) {
    process.stdout.write(
      '\n[gatehouse tests] TEST_DATABASE_URL is not set: PostgreSQL suites are SKIPPED. ' +
        'Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them; CI always does.\n\n',
    );
  }
}
