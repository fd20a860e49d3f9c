import { listPolicyVersions } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, versionXml } from './iam-policy-shared.ts';
import { pageOf } from './shared.ts';

/** ListPolicyVersions(PolicyArn, Marker?, MaxItems?) → Versions, newest first, without documents. */
export const ListPolicyVersions = defineAction({
  name: 'ListPolicyVersions',
  service: 'iam',
  permission: 'iam:ListPolicyVersions',
  params: { PolicyArn: IP.policyArn(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    const versions = await listPolicyVersions(ctx.deps, ctx.caller.principal.accountId, p.PolicyArn);
    // Newest first: the key counts down so that pages follow the same order.
    const key = (v: { versionId: string }) => String(1e9 - Number(v.versionId.slice(1))).padStart(10, '0');
    const { page, ...more } = pageOf('policy-versions', versions, key, p.Marker, p.MaxItems);
    return { Versions: page.map((v) => versionXml(v, { document: false })), ...more };
  },
});
