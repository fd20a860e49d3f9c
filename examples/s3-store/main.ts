import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import { Authorizer } from '@gatehouse/authorizer';
import { gatehouseGuard } from './gatehouse-guard.ts';
import { ObjectFiles } from './object-files.ts';
import { s3Store } from './s3-store.ts';

const USAGE = `Usage: npm run example:s3 -- --port P --gatehouse URL --data DIR [--host H] [--no-auth]

An S3-compatible object store whose every request is signed by Gatehouse credentials and
decided by Gatehouse policies. Its own Gatehouse access key comes from AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (it needs gatehouse:AuthorizeRequest). --no-auth serves without asking
Gatehouse (for comparison only).`;

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    gatehouse: { type: 'string' },
    data: { type: 'string' },
    'no-auth': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help || !values.data || (!values['no-auth'] && !values.gatehouse)) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
let guard = null;
if (!values['no-auth']) {
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    console.error("Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to the store's own Gatehouse access key.");
    process.exit(2);
  }
  const credentials = {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
  guard = gatehouseGuard(new Authorizer({ gatehouse: values.gatehouse!, credentials }));
}

const server = createServer(s3Store(new ObjectFiles(values.data), guard));
server.listen(Number(values.port), values.host, () => {
  console.log(`S3 store on http://${values.host}:${values.port}, data in ${values.data}`);
});
