import { describe, expect, it } from 'vitest';
import { SafeHtml, escapeHtml, html, raw } from './html.ts';

const HOSTILE = `<script>alert("x")</script>&'`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;';

describe('html', () => {
  it('escapes the five characters that matter in text and attributes', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
    expect(escapeHtml('plain text')).toBe('plain text');
  });

  it('escapes every interpolation, in text and in attribute values', () => {
    const out = html`<p title="${HOSTILE}">${HOSTILE}</p><a href="/u/${HOSTILE}">${HOSTILE}</a>`.value;
    expect(out).toBe(`<p title="${ESCAPED}">${ESCAPED}</p><a href="/u/${ESCAPED}">${ESCAPED}</a>`);
    expect(out).not.toContain('<script>');
  });

  it('escapes an attribute-breaking quote so the value cannot open a new attribute', () => {
    const out = html`<input value="${'" autofocus onfocus="alert(1)'}">`.value;
    expect(out).toBe('<input value="&quot; autofocus onfocus=&quot;alert(1)">');
  });

  it('escapes each element of an array and of nested arrays', () => {
    const out = html`<ul>${['<b>', ['<i>', '&']].map((x) => x)}</ul>`.value;
    expect(out).toBe('<ul>&lt;b&gt;&lt;i&gt;&amp;</ul>');
    const items = ['<a>', '"b"'].map((x) => html`<li>${x}</li>`);
    expect(html`<ul>${items}</ul>`.value).toBe('<ul><li>&lt;a&gt;</li><li>&quot;b&quot;</li></ul>');
  });

  it('renders numbers and true as text, and null, undefined and false as nothing', () => {
    expect(html`${0}|${42}|${true}|${null}|${undefined}|${false}`.value).toBe('0|42|true|||');
  });

  it('inserts markup unescaped only through raw() or a nested html template', () => {
    expect(html`<div>${raw('<b>bold</b>')}</div>`.value).toBe('<div><b>bold</b></div>');
    const inner = html`<b>${HOSTILE}</b>`;
    expect(html`<div>${inner}</div>`.value).toBe(`<div><b>${ESCAPED}</b></div>`);
    expect(inner).toBeInstanceOf(SafeHtml);
  });

  it('does not treat look-alike objects or strings of markup as safe', () => {
    const fake = { value: '<b>not trusted</b>', toString: () => '<b>not trusted</b>' } as unknown as string;
    expect(html`${fake}`.value).toBe('&lt;b&gt;not trusted&lt;/b&gt;');
    expect(html`${'<b>x</b>'}`.value).toBe('&lt;b&gt;x&lt;/b&gt;');
  });
});
