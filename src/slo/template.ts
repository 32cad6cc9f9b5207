/**
 * The one Go template action SLI queries may use: `{{.window}}` (spaces and trim markers
 * allowed). Sloth renders queries with Go's text/template; anything else in `{{ }}` is
 * rejected here with a message rather than rendered half-way.
 */
const ACTION = /\{\{(-?)\s*([^{}]*?)\s*(-?)\}\}/g;
const WINDOW_VAR = /\{\{ *\.window *\}\}/;

/** True when the query contains `{{.window}}` in the form Sloth's validation requires. */
export function hasWindowVar(query: string): boolean {
  return WINDOW_VAR.test(query);
}

/** Template actions other than `.window` (and string literals) in the query. */
export function unsupportedTemplateActions(query: string): string[] {
  const bad: string[] = [];
  for (const m of query.matchAll(ACTION)) {
    const body = m[2];
    if (body === '.window' || /^"(?:[^"\\]|\\.)*"$/.test(body) || /^`[^`]*`$/.test(body)) continue;
    bad.push(m[0]);
  }
  return bad;
}

/** Renders `{{.window}}` in a query. Throws on any other template action. */
export function renderWindow(query: string, window: string): string {
  return renderWindowTracked(query, window).text;
}

/** Renders `{{.window}}` in a query, and says where in the result each window went. Throws on any other template action. */
export function renderWindowTracked(query: string, window: string): { readonly text: string; readonly windowAt: readonly number[] } {
  const bad = unsupportedTemplateActions(query);
  if (bad.length) throw new Error(`unsupported template action ${bad.join(', ')}: only {{.window}} is available`);
  const windowAt: number[] = [];
  let out = '';
  let last = 0;
  for (const m of query.matchAll(ACTION)) {
    let before = query.slice(last, m.index);
    if (m[1] === '-') before = before.replace(/\s+$/, '');
    out += before;
    const body = m[2];
    if (body === '.window') windowAt.push(out.length);
    out += body === '.window' ? window : body.startsWith('"') ? (JSON.parse(body) as string) : body.slice(1, -1);
    last = m.index! + m[0].length;
    if (m[3] === '-') {
      const rest = query.slice(last);
      last += rest.length - rest.replace(/^\s+/, '').length;
    }
  }
  return { text: out + query.slice(last), windowAt };
}
