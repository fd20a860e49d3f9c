import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The AWS CLI against `endpoint`, signing with `credentials` and no configuration of the machine's
 * own; a failed command throws with the CLI's standard error in its message.
 */
export function awsCli(
  endpoint: string,
  credentials: { accessKeyId: string; secretAccessKey: string },
): (...args: string[]) => Promise<{ stdout: string; stderr: string }> {
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  return (...args) =>
    run('aws', ['--endpoint-url', endpoint, ...args], { env }).catch((error: Error & { stderr?: string }) => {
      throw new Error(`aws ${args.join(' ')}: ${error.stderr ?? error.message}`);
    });
}
