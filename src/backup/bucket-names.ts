/**
 * Bucket (and blob container) names, checked by the rules of the store that must create or
 * find them, so that a location whose bucket can never exist fails at synth rather than in
 * Velero's validation loop.
 */
import type { Problem } from '../common/errors';

/** Whose naming rules apply. */
export type BucketRules =
  /** Amazon S3 (general-purpose buckets). */
  | 's3'
  /** An S3-compatible store (MinIO, Ceph RGW): S3's shape, without Amazon's reserved prefixes. */
  | 's3-compatible'
  /** Google Cloud Storage. */
  | 'gcs'
  /** An Azure Blob Storage container. */
  | 'azure'
  /** Another plugin: only what no store accepts. */
  | 'other';

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const S3_RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const S3_RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

const FIXES: Record<BucketRules, string> = {
  s3: 'use 3-63 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "team-a-velero-backups")',
  's3-compatible':
    'use 3-63 lower-case letters, digits, "-" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "velero-backups")',
  gcs: 'use 3-63 lower-case letters, digits, "-", "_" and ".", starting and ending with a letter or digit, not shaped like an IP address (such as "team-a-velero-backups")',
  azure: 'use 3-63 lower-case letters, digits and single "-", starting and ending with a letter or digit (such as "velero-backups")',
  other: 'give the bucket name without slashes or white space; put a path in prefix',
};

/** Why `name` breaks the rules, or undefined when it follows them. */
function bucketProblem(name: string, rules: BucketRules): string | undefined {
  if (typeof name !== 'string' || name === '') return 'it is empty';
  if (/[\s/]/.test(name)) return `it contains a slash or white space (a path belongs in prefix)`;
  if (rules === 'other') return undefined;
  const max = rules === 'gcs' && name.includes('.') ? 222 : 63;
  if (name.length < 3 || name.length > max) return `it has ${name.length} character${name.length === 1 ? '' : 's'}, not 3 to ${max}`;
  const allowed = rules === 'gcs' ? /^[a-z0-9._-]+$/ : rules === 'azure' ? /^[a-z0-9-]+$/ : /^[a-z0-9.-]+$/;
  if (!allowed.test(name)) {
    const upper = /[A-Z]/.test(name) ? ' (bucket names are lower-case)' : '';
    return `it has characters a bucket name cannot have${upper}`;
  }
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return `it does not start and end with a letter or digit`;
  if (rules === 'azure') return name.includes('--') ? `it has two hyphens in a row` : undefined;
  if (IPV4.test(name)) return `it is formatted as an IP address`;
  if (name.includes('..')) return `it has two periods in a row`;
  if (rules !== 'gcs' && (name.includes('.-') || name.includes('-.'))) return `it has a period next to a hyphen`;
  if (rules === 'gcs') {
    if (name.split('.').some((part) => part.length > 63)) return `it has a dot-separated part longer than 63 characters`;
    if (name.startsWith('goog') || name.includes('google')) return `it starts with "goog" or contains "google", which Google reserves`;
  }
  if (rules === 's3') {
    const prefix = S3_RESERVED_PREFIXES.find((p) => name.startsWith(p));
    if (prefix) return `it starts with "${prefix}", which Amazon S3 reserves`;
    const suffix = S3_RESERVED_SUFFIXES.find((p) => name.endsWith(p));
    if (suffix) return `it ends with "${suffix}", which Amazon S3 reserves`;
  }
  return undefined;
}

/** Problems with a bucket (or Azure container) name by `rules`, reported at `field`. */
export function bucketNameProblems(field: string, name: string, rules: BucketRules): Problem[] {
  const problem = bucketProblem(name, rules);
  if (!problem) return [];
  const fix = typeof name === 'string' && /[\s/]/.test(name) ? FIXES.other : FIXES[rules];
  return [{ field, problem: `"${name ?? ''}" is not a valid ${RULE_NAMES[rules]} name: ${problem}`, fix }];
}

const RULE_NAMES: Record<BucketRules, string> = {
  s3: 'Amazon S3 bucket',
  's3-compatible': 'S3 bucket',
  gcs: 'Cloud Storage bucket',
  azure: 'Azure blob container',
  other: 'bucket',
};
