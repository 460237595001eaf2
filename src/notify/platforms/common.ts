// Helpers every platform client shares: byte limits (the platforms count UTF-8 bytes, and a
// Chinese character is three of them) and the markdown a payload falls back to.
import type { ChannelPayload, ChannelSendResult } from '../channel';
import { PlatformUnreachable } from '../http';

/** Cuts to at most `maxBytes` UTF-8 bytes at a character boundary, marking the cut with an ellipsis. */
export function truncateBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  const ellipsis = '…';
  let out = '';
  let bytes = Buffer.byteLength(ellipsis, 'utf8');
  for (const ch of text) {
    const b = Buffer.byteLength(ch, 'utf8');
    if (bytes + b > maxBytes) break;
    out += ch;
    bytes += b;
  }
  return out + ellipsis;
}

/** The markdown body of any payload (a card's fallback, a text as it is). */
export function markdownOf(payload: ChannelPayload): { title: string; markdown: string } {
  switch (payload.type) {
    case 'markdown':
      return { title: payload.title, markdown: payload.markdown };
    case 'card':
      return { title: payload.title, markdown: payload.fallbackMarkdown };
    case 'text':
      return { title: payload.text.split('\n')[0] ?? '', markdown: payload.text };
  }
}

/** A thrown network error becomes a transient result; anything else is a programming error. */
export async function transientOnNetwork(send: () => Promise<ChannelSendResult>): Promise<ChannelSendResult> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof PlatformUnreachable) return { outcome: 'transient', detail: error.message };
    throw error;
  }
}

export function httpTransient(status: number, what: string): ChannelSendResult | undefined {
  if (status >= 500 || status === 429) return { outcome: 'transient', detail: `${what}: HTTP ${status}` };
  return undefined;
}
