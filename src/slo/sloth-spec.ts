/**
 * Sloth's spec formats, as data, and their mapping to the SLO model:
 * - `prometheus/v1` (Sloth's own YAML: snake_case fields);
 * - `sloth.slok.dev/v1` `PrometheusServiceLevel` (the Kubernetes CRD: camelCase fields).
 */
import { AlertMetaModel, SloModel } from './model';

/** Alert overrides for the page or ticket alert of a Sloth spec. */
export interface SlothAlertOverride {
  /** Do not generate this alert. @default false */
  readonly disable?: boolean;
  /** Labels for this alert only, merged over the SLO's `alerting.labels`. @default - none */
  readonly labels?: Record<string, string>;
  /** Annotations for this alert only, merged over the SLO's `alerting.annotations`. @default - none */
  readonly annotations?: Record<string, string>;
}

/** One SLO of a spec, with field names normalised to camelCase. */
export interface SlothSloSpec {
  /** The SLO's name, unique within the service (`sloth_slo`; the id is `<service>-<name>`). */
  readonly name: string;
  /** Free-text description. @default "" */
  readonly description?: string;
  /** The objective in percent, in (0, 100] (for example `99.9`). */
  readonly objective: number;
  /** Labels added to every rule of this SLO, merged over the service's `labels`. @default - none */
  readonly labels?: Record<string, string>;
  /** How the SLI is measured: one of `events` or `raw` (`plugin` is read only to be reported as unsupported). */
  readonly sli: {
    /** Error and total event queries over `{{.window}}` (`error_query`/`total_query` in prometheus/v1). */
    readonly events?: { readonly errorQuery: string; readonly totalQuery: string };
    /** One error ratio query over `{{.window}}` (`error_ratio_query` in prometheus/v1). */
    readonly raw?: { readonly errorRatioQuery: string };
    /** A Sloth SLI plugin (id and options); plugins run Go code inside Sloth, so an SLO using one is reported as a problem. */
    readonly plugin?: { readonly id: string; readonly options?: Record<string, string> };
  };
  /** The page and ticket alerts. @default - none: both alerts are on and have no name, so the SLO is rejected */
  readonly alerting?: {
    /** The alert name shared by the page and the ticket alert; required unless both are disabled. */
    readonly name?: string;
    /** Labels on both alerts. */
    readonly labels?: Record<string, string>;
    /** Annotations on both alerts. */
    readonly annotations?: Record<string, string>;
    /** Overrides for the page alert (`page_alert` in prometheus/v1). */
    readonly pageAlert?: SlothAlertOverride;
    /** Overrides for the ticket alert (`ticket_alert` in prometheus/v1). */
    readonly ticketAlert?: SlothAlertOverride;
  };
}

/** A service's SLOs, with field names normalised to camelCase. */
export interface SlothServiceSpec {
  /** The service name (`sloth_service`), shared by all its SLOs. */
  readonly service: string;
  /** Labels added to every rule of every SLO of the service. @default - none */
  readonly labels?: Record<string, string>;
  /** The service's SLOs. */
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
