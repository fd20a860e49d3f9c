import { csvDocument } from '../shared/csv.ts';

/**
 * The console's `.csv` of a new user's sign-in details, with the columns of the file the
 * AWS console offers for the same thing. The values are the ones the administrator just
 * chose or was shown; a generated password never starts with a character a spreadsheet
 * would read as a formula.
 */
export function signInDetailsCsv(d: { userName: string; password: string; signInUrl: string }): string {
  return csvDocument(['User name', 'Password', 'Console sign-in URL'], [[d.userName, d.password, d.signInUrl]]);
}
