import { dnsPatternProblem, hostNameProblem, hostOrCidrProblems, httpUrlProblems, isIpOrCidr, isIpv4, isIpv6 } from '../../src/common/net';

describe('http(s) URLs', () => {
  test('full http and https URLs pass', () => {
    for (const url of [
      'http://cart.shop.svc:8080/health',
      'https://10.0.3.7:31768',
      'http://[fd00::1]:8080/ready?deep=1',
      'https://api.example.com/a%20b',
    ]) {
      expect([url, httpUrlProblems('url', url)]).toEqual([url, []]);
    }
  });

  test('each kind of bad URL says what is wrong', () => {
    const problem = (url: string, originOnly = false) => httpUrlProblems('probe.url', url, { what: 'probe URL', originOnly })[0]?.problem;
    expect(problem('')).toBe('probe URL is empty');
    expect(httpUrlProblems('url', '')[0].problem).toBe('the URL is empty');
    expect(problem('cart.shop.svc/health')).toBe('probe URL "cart.shop.svc/health" is not an http(s) URL');
    expect(problem('gopher://cart.shop.svc/')).toBe('probe URL "gopher://cart.shop.svc/" is not an http(s) URL');
    expect(problem('http:///health')).toBe('probe URL "http:///health" names no host');
    expect(problem('http://cart.shop.svc/health\n')).toBe(
      'probe URL "http://cart.shop.svc/health\n" holds U+000A, which a URL cannot hold unescaped',
    );
    expect(problem('http://cart/{{.x}}')).toBe('probe URL "http://cart/{{.x}}" holds "{", which a URL cannot hold unescaped');
    expect(problem('https://admin:pw@cart/')).toBe(
      'probe URL "https://admin:pw@cart/" holds credentials, which would be stored in the manifest in plain text',
    );
    expect(problem('https://10.0.3.7:31768/x', true)).toBe(
      'probe URL "https://10.0.3.7:31768/x" has a path, query or fragment, but only a scheme, host and port are used',
    );
    expect(httpUrlProblems('url', 'nope')).toEqual([
      {
        field: 'url',
        problem: '"nope" is not an http(s) URL',
        fix: 'give a full http or https URL, such as http://demo-app.team-alpha.svc:8080/health',
      },
    ]);
  });
});

describe('addresses and hosts', () => {
  test('IPs and CIDRs', () => {
    expect([isIpv4('10.0.3.7'), isIpv4('10.0.3.07'), isIpv4('256.1.1.1'), isIpv6('fd00::1'), isIpv6('fd00::g')]).toEqual([
      true,
      false,
      false,
      true,
      false,
    ]);
    expect(['10.0.0.0/8', '10.0.0.0/32', 'fd00::/64', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/08'].map(isIpOrCidr)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test('host names', () => {
    expect(hostNameProblem('api.example.com')).toBeUndefined();
    expect(hostNameProblem('-api.example.com')).toBe(
      '"-api.example.com" has the label "-api", which is not letters, digits and "-" (not at either end)',
    );
    expect(hostNameProblem(`${'a'.repeat(64)}.example.com`)).toBe(`"${'a'.repeat(64)}.example.com" has a label longer than 63 characters`);
    expect(hostOrCidrProblems('t', '[fd00::1]:0')[0].problem).toBe('"[fd00::1]:0" has the port "0", which is not a port number (1-65535)');
    expect(hostOrCidrProblems('t', '10.0.0.0/8:22')).toEqual([]);
  });
});

describe('DNS name patterns', () => {
  test('Chaos Mesh patterns: "?" anywhere, "*" only at the end', () => {
    for (const p of ['google.com', 'chaos-mesh.*', 'github.?om', '*', 'not_exist?host.abc'])
      expect([p, dnsPatternProblem(p)]).toEqual([p, undefined]);
    expect(dnsPatternProblem('chaos-*.org')).toBe('"chaos-*.org" has a "*" before its end, but Chaos Mesh takes "*" only as the last character');
    expect(dnsPatternProblem('.example.com')).toBe('".example.com" has an empty label (two dots in a row, or a dot at the start or end)');
    expect(dnsPatternProblem('')).toBe('the pattern is empty');
  });
});
