/** Kubernetes and Prometheus name rules, as predicates returning a problem or undefined. */

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const PROM_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PROM_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** Problem with a DNS-1123 label (namespaces, most object names), or undefined. */
export function dnsLabelProblem(value: string): string | undefined {
  if (value.length > 63) return `"${value}" is longer than 63 characters`;
  if (!DNS_LABEL.test(value))
    return `"${value}" is not a DNS-1123 label (lower-case letters, digits and '-', starting and ending with a letter or digit)`;
  return undefined;
}

/** Problem with a DNS-1123 subdomain (object names), or undefined. */
export function dnsSubdomainProblem(value: string): string | undefined {
  if (value.length > 253) return `"${value}" is longer than 253 characters`;
  if (!DNS_SUBDOMAIN.test(value)) return `"${value}" is not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.')`;
  return undefined;
}

/** Problem with a Kubernetes label key (optional DNS prefix + name), or undefined. */
export function k8sLabelKeyProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `label key "${key}" has more than one '/'`;
  const name = parts[parts.length - 1];
  if (parts.length === 2 && dnsSubdomainProblem(parts[0])) return `label key "${key}" has an invalid prefix`;
  if (name.length === 0 || name.length > 63 || !LABEL_VALUE.test(name))
    return `label key "${key}" has an invalid name part (at most 63 characters: letters, digits, '-', '_', '.')`;
  return undefined;
}

/** Problem with a Kubernetes label value, or undefined. */
export function k8sLabelValueProblem(value: string): string | undefined {
  if (value.length > 63 || !LABEL_VALUE.test(value))
    return `label value "${value}" is invalid (at most 63 characters: letters, digits, '-', '_', '.', starting and ending with a letter or digit)`;
  return undefined;
}

/** Problem with a Prometheus label name, or undefined. */
export function promLabelNameProblem(name: string): string | undefined {
  if (!PROM_LABEL_NAME.test(name)) return `"${name}" is not a valid Prometheus label name (letters, digits and '_', not starting with a digit)`;
  if (name.startsWith('__')) return `"${name}" starts with '__', which Prometheus reserves for internal labels`;
  return undefined;
}

/** Problem with a Prometheus metric or recording-rule name, or undefined. */
export function promMetricNameProblem(name: string): string | undefined {
  if (!PROM_METRIC_NAME.test(name))
    return `"${name}" is not a valid Prometheus metric name (letters, digits, '_' and ':', not starting with a digit)`;
  return undefined;
}
