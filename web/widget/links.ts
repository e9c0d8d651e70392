/**
 * Model text is shown as text. The only markup it can produce is a link, and only to a host the store allows
 * (`allowedLinkHosts`: exact host names, `https` only); every other URL stays plain text.
 */
export type Segment = { readonly kind: 'text'; readonly text: string } | { readonly kind: 'link'; readonly text: string; readonly href: string };

const URL_PATTERN = /https:\/\/[^\s<>"'`）」』】、。]+/g;
/** Punctuation that ends a sentence rather than the URL. */
const TRAILING = /[.,!?:;)\]]+$/;

const allowedHref = (candidate: string, allowedHosts: readonly string[]): string | undefined => {
  try {
    const url = new URL(candidate);
    if (url.protocol !== 'https:' || url.username !== '' || url.password !== '') return undefined;
    return allowedHosts.includes(url.hostname.toLowerCase()) ? url.href : undefined;
  } catch {
    return undefined;
  }
};

export const splitLinks = (text: string, allowedHosts: readonly string[]): Segment[] => {
  const hosts = allowedHosts.map((host) => host.toLowerCase());
  const segments: Segment[] = [];
  let plain = '';
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING, '');
    const href = hosts.length === 0 ? undefined : allowedHref(raw, hosts);
    if (href === undefined) continue;
    plain += text.slice(last, start);
    if (plain !== '') segments.push({ kind: 'text', text: plain });
    plain = '';
    segments.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  plain += text.slice(last);
  if (plain !== '') segments.push({ kind: 'text', text: plain });
  return segments;
};
