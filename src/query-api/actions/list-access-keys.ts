import { listAccessKeys } from '../../access-keys/access-key.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { awsTime } from '../xml.ts';
import { keyOwnerOf, keyOwnerResource } from './access-key-owner.ts';
import { pageOf } from './shared.ts';

/** ListAccessKeys(UserName?, Marker?, MaxItems?) → AccessKeyMetadata (never secrets), IsTruncated. */
export const ListAccessKeys = defineAction({
  name: 'ListAccessKeys',
  service: 'iam',
  permission: 'iam:ListAccessKeys',
  params: { UserName: P.userName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => keyOwnerResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await keyOwnerOf(ctx, p.UserName);
    const keys = await listAccessKeys(ctx.deps, owner);
    const { page, IsTruncated, Marker } = pageOf('keys', keys, (k) => `${k.createdAt}/${k.id}`, p.Marker, p.MaxItems);
    return {
      AccessKeyMetadata: page.map((k) => ({
        UserName: owner.userName ?? undefined,
        AccessKeyId: k.id,
        Status: k.status,
        CreateDate: awsTime(k.createdAt),
      })),
      IsTruncated,
      Marker,
    };
  },
});
