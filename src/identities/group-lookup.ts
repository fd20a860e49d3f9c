import { GatehouseError } from '../shared/errors.ts';

export function groupArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:group${path}${name}`;
}

export function noSuchGroup(name: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The group with name ${name} cannot be found.`, { field: 'groupName' });
}
