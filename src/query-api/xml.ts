/**
 * The XML the AWS SDKs and CLI parse. Values become elements; arrays become
 * `<member>` lists (an empty array is still emitted, as AWS does, so the SDK sees
 * `[]`); null and undefined members are left out.
 */
/** A Map renders as an AWS Query map: `<Name><entry><key>…</key><value>…</value></entry>…</Name>` (e.g. GetAccountSummary's SummaryMap). */
export type XmlValue = string | number | boolean | null | undefined | XmlValue[] | XmlObject | Map<string, XmlValue>;
export interface XmlObject {
  [name: string]: XmlValue;
}

export const NAMESPACES = {
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
} as const;

export type Service = keyof typeof NAMESPACES;

export function escapeXml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!)
    .replace(
      // Characters XML 1.0 cannot carry at all: written as nothing rather than breaking the document.
      /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g,
      '',
    );
}

function render(name: string, value: XmlValue): string {
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return `<${name}>${value.map((v) => render('member', v)).join('')}</${name}>`;
  if (value instanceof Map)
    return `<${name}>${[...value].map(([k, v]) => `<entry><key>${escapeXml(k)}</key>${render('value', v)}</entry>`).join('')}</${name}>`;
  if (typeof value === 'object') return `<${name}>${renderChildren(value)}</${name}>`;
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

function renderChildren(object: XmlObject): string {
  return Object.entries(object)
    .map(([k, v]) => render(k, v))
    .join('');
}

/** `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>…` (no Result element for Actions without output). */
export function actionResponse(service: Service, action: string, result: XmlObject | null, requestId: string): string {
  const body = result ? render(`${action}Result`, result) : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${NAMESPACES[service]}">${body}<ResponseMetadata><RequestId>${escapeXml(requestId)}</RequestId></ResponseMetadata></${action}Response>\n`;
}

export function errorResponse(
  service: Service,
  type: 'Sender' | 'Receiver',
  code: string,
  message: string,
  requestId: string,
): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${NAMESPACES[service]}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>${escapeXml(requestId)}</RequestId></ErrorResponse>\n`;
}

/** AWS writes times as ISO-8601 UTC without milliseconds: `2026-11-29T12:00:00Z`. */
export function awsTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, 'Z');
}
