/**
 * The shape of props as JavaScript sees them: a list given as a string, a map given as a
 * list, `null` where an object belongs. TypeScript callers cannot write these, but props
 * read from JSON or written in JavaScript can; each is reported at its field before any
 * other check reads the value, so that no check fails with a raw TypeError.
 */
import type { Problem } from '../common/errors';

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `a ${typeof v}`;
}

/** What each prop should be: a list of strings, a list of objects, or a map (an object). */
export type PropShape = 'strings' | 'objects' | 'map';

const FIXES: Record<PropShape, string> = {
  strings: 'give a list of strings, such as ["team-a"]',
  objects: 'give a list of objects',
  map: 'give an object of keys and values',
};

/**
 * Problems with the shape of the props named in `shapes` (those that are set), fields from
 * `at(name)`. Empty when every one has its shape; the other checks may then read them.
 */
export function shapeProblems(at: (name: string) => string, props: object, shapes: Readonly<Record<string, PropShape>>): Problem[] {
  const out: Problem[] = [];
  const values = props as Record<string, unknown>;
  for (const [name, shape] of Object.entries(shapes)) {
    const v = values[name];
    if (v === undefined) continue;
    if (shape === 'map') {
      if (v === null || typeof v !== 'object' || Array.isArray(v))
        out.push({ field: at(name), problem: `${name} is ${describe(v)}, not an object`, fix: FIXES.map });
      continue;
    }
    if (!Array.isArray(v)) {
      out.push({ field: at(name), problem: `${name} is ${describe(v)}, not a list`, fix: FIXES[shape] });
      continue;
    }
    v.forEach((item, i) => {
      const ok = shape === 'strings' ? typeof item === 'string' : item !== null && typeof item === 'object' && !Array.isArray(item);
      if (!ok)
        out.push({
          field: at(`${name}[${i}]`),
          problem: `the item is ${describe(item)}, not ${shape === 'strings' ? 'a string' : 'an object'}`,
          fix: FIXES[shape],
        });
    });
  }
  return out;
}

/** Problems with a map whose values must be lists of strings (`orderedResources`). */
export function mapOfListsProblems(field: string, map: unknown): Problem[] {
  if (map === undefined) return [];
  if (map === null || typeof map !== 'object' || Array.isArray(map))
    return [{ field, problem: `the value is ${describe(map)}, not an object`, fix: FIXES.map }];
  return Object.entries(map as Record<string, unknown>).flatMap(([k, v]) => shapeProblems((n) => `${field}.${n}`, { [k]: v }, { [k]: 'strings' }));
}
