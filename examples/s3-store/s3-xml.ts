/** S3's XML namespace, on every result document. */
const NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlNode[];
export interface XmlNode {
  [element: string]: XmlValue;
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((item) => render(name, item)).join('');
  if (typeof value === 'object') {
    const inner = Object.entries(value)
      .map(([child, v]) => render(child, v))
      .join('');
    return `<${name}>${inner}</${name}>`;
  }
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** A result document: `<Root xmlns="…">…</Root>`; null and undefined elements are left out, arrays repeat. */
export function resultXml(root: string, body: XmlNode): string {
  const inner = Object.entries(body)
    .map(([name, value]) => render(name, value))
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${NS}">${inner}</${root}>`;
}

/** S3's error document (no namespace, as S3 sends it). */
export function errorXml(code: string, message: string, resource: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render('Error', {
    Code: code,
    Message: message,
    Resource: resource,
    RequestId: requestId,
  })}`;
}
