/**
 * Sloth's spec formats, as data, and their mapping to the SLO model:
 * - `prometheus/v1` (Sloth's own YAML: snake_case fields);
 * - `sloth.slok.dev/v1` `PrometheusServiceLevel` (the Kubernetes CRD: camelCase fields).
 */
import { AlertMetaModel, SloModel } from './model';

/** Alert overrides for the page or ticket alert of a Sloth spec. */
export interface SlothAlertOverride {
  readonly disable?: boolean;
  readonly labels?: Record<string, string>;
  readonly annotations?: Record<string, string>;
}

/** One SLO of a spec, with field names normalised to camelCase. */
export interface SlothSloSpec {
  readonly name: string;
  readonly description?: string;
  readonly objective: number;
  readonly labels?: Record<string, string>;
  readonly sli: {
    readonly events?: { readonly errorQuery: string; readonly totalQuery: string };
    readonly raw?: { readonly errorRatioQuery: string };
    readonly plugin?: { readonly id: string; readonly options?: Record<string, string> };
  };
  readonly alerting?: {
    readonly name?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly pageAlert?: SlothAlertOverride;
    readonly ticketAlert?: SlothAlertOverride;
  };
}

/** A service's SLOs, with field names normalised to camelCase. */
export interface SlothServiceSpec {
  readonly service: string;
  readonly labels?: Record<string, string>;
  readonly slos: readonly SlothSloSpec[];
}

type Json = Record<string, unknown>;

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

function strMap(v: unknown): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  return Object.fromEntries(Object.entries(obj(v)).map(([k, x]) => [k, x === null || x === undefined ? '' : String(x)]));
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** Maps one Sloth SLO document (either dialect) to the normalised spec. `snake` selects the prometheus/v1 field names. */
export function normaliseSlothSpec(service: unknown, labels: unknown, slos: unknown, snake: boolean): SlothServiceSpec {
  const k = (camel: string, snakeName: string) => (snake ? snakeName : camel);
  const alertOverride = (v: unknown): SlothAlertOverride | undefined => {
    if (v === undefined || v === null) return undefined;
    const o = obj(v);
    return { disable: o.disable === true, labels: strMap(o.labels), annotations: strMap(o.annotations) };
  };
  return {
    service: str(service),
    labels: strMap(labels),
    slos: (Array.isArray(slos) ? slos : []).map((raw): SlothSloSpec => {
      const s = obj(raw);
      const sli = obj(s.sli);
      const ev = sli.events === undefined || sli.events === null ? undefined : obj(sli.events);
      const rw = sli.raw === undefined || sli.raw === null ? undefined : obj(sli.raw);
      const pl = sli.plugin === undefined || sli.plugin === null ? undefined : obj(sli.plugin);
      const al = obj(s.alerting);
      return {
        name: str(s.name),
        description: s.description === undefined ? undefined : str(s.description),
        objective: typeof s.objective === 'number' ? s.objective : Number(s.objective ?? 0),
        labels: strMap(s.labels),
        sli: {
          events: ev ? { errorQuery: str(ev[k('errorQuery', 'error_query')]), totalQuery: str(ev[k('totalQuery', 'total_query')]) } : undefined,
          raw: rw ? { errorRatioQuery: str(rw[k('errorRatioQuery', 'error_ratio_query')]) } : undefined,
          plugin: pl ? { id: str(pl.id), options: strMap(pl.options) } : undefined,
        },
        alerting: {
          name: al.name === undefined ? undefined : str(al.name),
          labels: strMap(al.labels),
          annotations: strMap(al.annotations),
          pageAlert: alertOverride(al[k('pageAlert', 'page_alert')]),
          ticketAlert: alertOverride(al[k('ticketAlert', 'ticket_alert')]),
        },
      };
    }),
  };
}

function alertMeta(slo: SlothSloSpec, which: 'pageAlert' | 'ticketAlert'): AlertMetaModel {
  const a = slo.alerting ?? {};
  const o = a[which] ?? {};
  if (o.disable) return { disable: true, name: '', labels: {}, annotations: {} };
  return {
    disable: false,
    name: a.name ?? '',
    labels: { ...(a.labels ?? {}), ...(o.labels ?? {}) },
    annotations: { ...(a.annotations ?? {}), ...(o.annotations ?? {}) },
  };
}

/** Maps a normalised spec to SLO models for a period, merging `extraLabels` last. */
export function slothSpecToModels(spec: SlothServiceSpec, periodMs: number, extraLabels: Record<string, string> = {}): SloModel[] {
  return spec.slos.map((s) => ({
    id: `${spec.service}-${s.name}`,
    name: s.name,
    service: spec.service,
    description: s.description ?? '',
    objective: s.objective,
    periodMs,
    labels: { ...(spec.labels ?? {}), ...(s.labels ?? {}), ...extraLabels },
    sli: { events: s.sli.events, raw: s.sli.raw },
    pageAlert: alertMeta(s, 'pageAlert'),
    ticketAlert: alertMeta(s, 'ticketAlert'),
  }));
}
