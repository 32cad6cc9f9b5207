import { CliUsageError, parseFlags } from '../../src/runtime/slo';

const SPEC = {
  input: { kind: 'string', short: 'i' },
  'disable-alerts': { kind: 'bool' },
  'extra-labels': { kind: 'multi', short: 'l' },
} as const;

describe('slo flag parsing', () => {
  test('long, --flag=value, short and repeated forms', () => {
    const f = parseFlags(['--disable-alerts', '--extra-labels', 'a=1', '-l', 'b=2', '--extra-labels=c=3', '--input=b.yaml'], SPEC, 'slo generate');
    expect(f.strings.get('input')).toBe('b.yaml');
    expect(parseFlags(['-i', 'a.yaml'], SPEC, 'slo generate').strings.get('input')).toBe('a.yaml');
    expect(f.bools.has('disable-alerts')).toBe(true);
    expect(f.multi.get('extra-labels')).toEqual(['a=1', 'b=2', 'c=3']);
  });

  test('--bool=false turns a flag off; "-" is a value (stdout)', () => {
    const f = parseFlags(['--disable-alerts', '--disable-alerts=false', '--input', '-'], SPEC, 'x');
    expect(f.bools.has('disable-alerts')).toBe(false);
    expect(f.strings.get('input')).toBe('-');
  });

  test.each([
    [['--nope'], 'unknown flag "--nope" for "slo generate"; run cdk8s-resilience slo --help for the flags'],
    [['-z'], 'unknown flag "-z" for "slo generate"; run cdk8s-resilience slo --help for the flags'],
    [['stray.yaml'], 'unexpected argument "stray.yaml" for "slo generate"; give files with --input'],
    [['--input'], '--input needs a value'],
    [['--input', '--disable-alerts'], '--input needs a value'],
    [['--disable-alerts=yes'], '--disable-alerts takes no value (or =true/=false), got "yes"'],
    // As Sloth: a single-valued flag given twice is refused, not silently reduced to its last value.
    [['-i', 'a.yaml', '--input=b.yaml'], '--input is given twice ("a.yaml", then "b.yaml"); it takes one value: give it once'],
    [['-i', 'a.yaml', '-i', 'a.yaml'], '--input is given twice ("a.yaml", then "a.yaml"); it takes one value: give it once'],
  ])('%j is a usage error', (args, message) => {
    expect(() => parseFlags(args, SPEC, 'slo generate')).toThrow(CliUsageError);
    expect(() => parseFlags(args, SPEC, 'slo generate')).toThrow(message);
  });
});
