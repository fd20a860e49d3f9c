/** The support reference a failure page shows (`7KQ-3MX`); fails the test when there is none. */
export function referenceIn(body: string): string {
  const match = /Ref ([2-9A-Z]{3}-[2-9A-Z]{3})/.exec(body);
  if (!match) throw new Error('the page shows no support reference');
  return match[1]!;
}

/** A page with its per-attempt support reference blanked, to compare answers byte for byte. */
export function maskReference(body: string): string {
  return body.replace(/Ref [2-9A-Z]{3}-[2-9A-Z]{3}/g, 'Ref ***-***');
}
