// WeCom callbacks are small flat XML documents (<xml><Tag><![CDATA[value]]></Tag>...</xml>). We
// read the few top-level tags we need; anything else (nested lists) is ignored. Pure.

const ENTITIES: Record<string, string> = {
  '&lt;': '<',
  '&gt;': '>',
  '&amp;': '&',
  '&quot;': '"',
  '&apos;': "'",
};

/** The text of the first <tag>…</tag>, CDATA unwrapped, or undefined. */
export function xmlField(xml: string, tag: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(tag)) throw new Error(`bad tag ${tag}`);
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  if (!match) return undefined;
  const inner = match[1]!.trim();
  // CDATA sections verbatim, text between them with its entities decoded.
  return inner
    .split(/(<!\[CDATA\[[\s\S]*?\]\]>)/)
    .map((part) =>
      part.startsWith('<![CDATA[')
        ? part.slice(9, -3)
        : part.replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e),
    )
    .join('');
}

/** Builds a flat XML document; values go in CDATA (split where they contain "]]>"). */
export function flatXml(fields: Record<string, string | number>): string {
  const body = Object.entries(fields)
    .map(([tag, value]) =>
      typeof value === 'number'
        ? `<${tag}>${value}</${tag}>`
        : `<${tag}><![CDATA[${value.replaceAll(']]>', ']]]]><![CDATA[>')}]]></${tag}>`,
    )
    .join('');
  return `<xml>${body}</xml>`;
}
