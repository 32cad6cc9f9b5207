/**
 * Checks of network names and addresses: http(s) URLs, IP addresses and CIDRs, host names,
 * and DNS name patterns. Pure functions: a value in, the problems with it out.
 */
import type { Problem } from './errors';

/** Options of {@link httpUrlProblems}. */
export interface HttpUrlCheckOptions {
  /**
   * What the URL is, written before the problem (`probe URL`).
   * @default nothing
   */
  readonly what?: string;
  /**
   * How to fix a bad URL.
   * @default 'give a full http or https URL, such as http://demo-app.team-alpha.svc:8080/health'
   */
  readonly fix?: string;
  /**
   * Refuse a path, query or fragment (a server address such as `https://10.0.3.7:31768`).
   * @default false
   */
  readonly originOnly?: boolean;
}

/** The first character of `s` that no URL may hold unescaped (whitespace, controls, quotes, braces), or undefined. */
function unsafeUrlChar(s: string): string | undefined {
  for (const c of s) if (isControlOrSpace(c) || '"<>\\^`{|}'.includes(c)) return c;
  return undefined;
}

function isControlOrSpace(c: string): boolean {
  const code = c.codePointAt(0)!;
  return code <= 0x20 || code === 0x7f || /\s/.test(c);
}

function shown(c: string): string {
  return isControlOrSpace(c) ? `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : `"${c}"`;
}

/**
 * Problems with an http(s) URL: it must parse as a URL (WHATWG rules, as Go's `url.Parse`
 * reads the same text), use http or https, name a host, and hold no whitespace, control
 * characters, quotes or braces (which would need escaping and usually are a paste mistake).
 */
export function httpUrlProblems(field: string, url: string | undefined, options: HttpUrlCheckOptions = {}): Problem[] {
  const fix = options.fix ?? 'give a full http or https URL, such as http://demo-app.team-alpha.svc:8080/health';
  const bad = (problem: string): Problem[] => [{ field, problem: options.what ? `${options.what} ${problem}` : problem, fix }];
  if (typeof url !== 'string' || url === '') return [{ field, problem: `${options.what ?? 'the URL'} is empty`, fix }];
  const c = unsafeUrlChar(url);
  if (c !== undefined) return bad(`"${url}" holds ${shown(c)}, which a URL cannot hold unescaped`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return bad(`"${url}" is not an http(s) URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return bad(`"${url}" is not an http(s) URL`);
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#]/i.test(url) || parsed.hostname === '') return bad(`"${url}" names no host`);
  if (parsed.username || parsed.password) return bad(`"${url}" holds credentials, which would be stored in the manifest in plain text`);
  if (options.originOnly && (parsed.pathname !== '/' || parsed.search || parsed.hash))
    return bad(`"${url}" has a path, query or fragment, but only a scheme, host and port are used`);
  return [];
}

const IPV4_PART = '(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])';
const IPV4 = new RegExp(`^${IPV4_PART}(\\.${IPV4_PART}){3}$`);

/** True for a dotted-quad IPv4 address without leading zeros (`10.0.3.7`). */
export function isIpv4(s: string): boolean {
  return IPV4.test(s);
}

/** True for an IPv6 address (`fd00::1`), as the URL parser reads it. */
export function isIpv6(s: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || !s.includes(':')) return false;
  try {
    return new URL(`http://[${s}]/`).hostname !== '';
  } catch {
    return false;
  }
}

/** True for an IP address or a CIDR (`10.0.0.0/8`, `fd00::/64`). */
export function isIpOrCidr(s: string): boolean {
  const [ip, bits, ...rest] = s.split('/');
  if (rest.length > 0) return false;
  const v4 = isIpv4(ip);
  if (!v4 && !isIpv6(ip)) return false;
  if (bits === undefined) return true;
  return /^(0|[1-9][0-9]*)$/.test(bits) && Number(bits) <= (v4 ? 32 : 128);
}

const HOST_LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

/** Problem with a host name (RFC 1123: labels of letters, digits and `-`, at most 63 each, 253 in all), or undefined. */
export function hostNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'the host name is empty';
  if (name.length > 253) return `"${name}" is longer than 253 characters`;
  for (const label of name.split('.')) {
    if (label === '') return `"${name}" has an empty label (two dots in a row, or a dot at the start or end)`;
    if (label.length > 63) return `"${name}" has a label longer than 63 characters`;
    if (!HOST_LABEL.test(label)) return `"${name}" has the label "${label}", which is not letters, digits and "-" (not at either end)`;
  }
  return undefined;
}

/**
 * Problems with a host, an IP address or a CIDR, optionally with a port as Go's
 * `net.SplitHostPort` reads it (`api.example.com:443`, `10.0.0.0/8:22`, `[fd00::1]:80`): a
 * NetworkChaos external target.
 */
export function hostOrCidrProblems(field: string, value: string, options: { readonly fix?: string } = {}): Problem[] {
  const fix = options.fix ?? 'give a host such as api.example.com, an IP or a CIDR such as 10.0.0.0/8, each optionally with a port (":443")';
  const text = typeof value === 'string' ? value : String(value);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text))
    return [{ field, problem: `"${text}" is a URL, not a host`, fix: `${fix.replace(/^give/, 'give the host alone:')}` }];
  let host = text;
  let port: string | undefined;
  const bracketed = /^\[([^\]]*)\]:([^:]*)$/.exec(text);
  if (bracketed) [, host, port] = bracketed;
  else if (text.split(':').length === 2) [host, port] = text.split(':');
  if (port !== undefined && !(/^[0-9]+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535))
    return [{ field, problem: `"${text}" has the port "${port}", which is not a port number (1-65535)`, fix }];
  if (isIpOrCidr(host)) return [];
  if (/[/:[\]]/.test(host)) return [{ field, problem: `"${text}" is not an IP address, a CIDR or a host name`, fix }];
  const p = hostNameProblem(host);
  return p ? [{ field, problem: p, fix }] : [];
}

/**
 * Problem with a Chaos Mesh DNS name pattern, or undefined: a domain name whose labels may
 * hold `?` (any one character), and one `*` (any rest), which must be the last character
 * (`api.example.com`, `*.example.com` is refused; `example.*`, `api-?.example.com` are fine).
 */
export function dnsPatternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || pattern === '') return 'the pattern is empty';
  if (pattern.length > 253) return `"${pattern}" is longer than 253 characters`;
  const star = pattern.indexOf('*');
  if (star !== -1 && star !== pattern.length - 1) return `"${pattern}" has a "*" before its end, but Chaos Mesh takes "*" only as the last character`;
  for (const label of pattern.split('.')) {
    if (label === '') return `"${pattern}" has an empty label (two dots in a row, or a dot at the start or end)`;
    if (label.length > 63) return `"${pattern}" has a label longer than 63 characters`;
    if (!/^[A-Za-z0-9?*_-]+$/.test(label))
      return `"${pattern}" has the label "${label}", which holds characters other than letters, digits, "-", "_", "?" and a final "*"`;
  }
  return undefined;
}
