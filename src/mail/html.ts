// HTML built only through the `html` tag: every interpolated value is escaped unless it is
// already SafeHtml, so user-provided text (deal names, reasons, comments) can never inject
// markup. Escaping is structural rather than something each template must remember.

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type HtmlValue = SafeHtml | string | number | null | undefined | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: HtmlValue[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += render(v) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Only for URLs we built ourselves; still escaped for the attribute, and limited to http(s). */
export function safeUrl(url: string): string {
  if (!/^https?:\/\//i.test(url))
    throw new Error(`refusing to render a non-http(s) link: ${url.slice(0, 40)}`);
  return url;
}
