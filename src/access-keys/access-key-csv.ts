import { csvDocument } from '../shared/csv.ts';

/** The console's `.csv` of a new access key, with the columns of the file the AWS console offers. */
export function accessKeyCsv(key: { accessKeyId: string; secretAccessKey: string }): string {
  return csvDocument(['Access key ID', 'Secret access key'], [[key.accessKeyId, key.secretAccessKey]]);
}
