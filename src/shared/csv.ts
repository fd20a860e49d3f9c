/**
 * CSV as RFC 4180 writes it (and spreadsheets read it): fields with a comma, quote or line
 * break in double quotes, quotes doubled, lines ended with CRLF.
 */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A header line and rows, each line ended with CRLF. */
export function csvDocument(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [header, ...rows].map((fields) => `${fields.map(csvField).join(',')}\r\n`).join('');
}
