import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PARTS_OF_ROLE } from '../../src/app.js';
import { ROOT, startTestEngine } from '../helpers/test-engine.js';

const OBSERVABILITY = join(ROOT, 'docs', 'observability');

interface Panel {
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
  readonly panels?: readonly Panel[];
}

/** Every PromQL expression of the provisioned dashboard, with its panel's title. */
function dashboardQueries(): Array<{ panel: string; expr: string }> {
  const dashboard = JSON.parse(readFileSync(join(OBSERVABILITY, 'grafana', 'dashboards', 'dex-order-engine.json'), 'utf8')) as { panels: Panel[] };
  const walk = (panels: readonly Panel[]): Array<{ panel: string; expr: string }> =>
    panels.flatMap((panel) => [...(panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })), ...walk(panel.panels ?? [])]);
  return walk(dashboard.panels);
}

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or range variables. */
function metricsIn(expr: string): string[] {
  const withoutStrings = expr.replace(/"[^"]*"/g, '""').replace(/\{[^}]*\}/g, '').replace(/\[[^\]]*\]/g, '');
  const withoutGrouping = withoutStrings.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  // Whole identifiers (a number's digits are not one), less those called as functions.
  const names = [...withoutGrouping.matchAll(/(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter((match) => !match[2]).map((match) => match[1]!);
  return names.filter((name) => !['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless'].includes(name));
}

/** The sample names an exposition can carry, from its TYPE lines (a histogram also has _bucket, _sum, _count). */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${name}${suffix}`);
    if (type === 'summary') for (const suffix of ['_sum', '_count']) names.add(`${name}${suffix}`);
  }
  return names;
}

describe('the provisioned dashboard and the Prometheus configuration', () => {
  it('queries only metrics the engine exports', async () => {
    const app = await startTestEngine();
    try {
      const exported = exportedNames(await (await fetch(`${app.httpUrl}/metrics`)).text());
      const queries = dashboardQueries();
      expect(queries.length).toBeGreaterThan(15);
      const unknown = queries.flatMap(({ panel, expr }) => metricsIn(expr).filter((name) => !exported.has(name)).map((name) => `${panel}: ${name}`));
      expect(unknown).toEqual([]);
      // Each of the views is on it: throughput, latency percentiles, backlog, failures by code, execution quality.
      const all = queries.map((query) => query.expr).join('\n');
      for (const needed of ['dex_orders_accepted_total', 'dex_admission_backlog_orders', 'dex_admission_capacity_orders_per_second', 'dex_ack_latency_seconds_bucket', 'dex_queue_jobs', 'dex_refusals_total', 'dex_order_failures_total', 'dex_execution_slippage_bps_bucket', 'dex="split"']) {
        expect(all).toContain(needed);
      }
    } finally {
      await app.close();
    }
  });

  it('finds its metrics parser strict enough to catch a name the engine does not export', () => {
    expect(metricsIn('histogram_quantile(0.99, sum by (le, step) (rate(dex_order_step_seconds_bucket{a="b"}[5m])))')).toEqual(['dex_order_step_seconds_bucket']);
    expect(metricsIn('sum by (dex) (rate(x_total[1m])) / ignoring(dex) group_left sum(rate(y_total[1m]))')).toEqual(['x_total', 'y_total']);
  });

  it('scrapes every role compose runs, on the port the app listens on', () => {
    const config = parse(readFileSync(join(OBSERVABILITY, 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ metrics_path: string; dns_sd_configs: Array<{ names: string[]; port: number }> }>;
    };
    const [job] = config.scrape_configs;
    expect(job!.metrics_path).toBe('/metrics');
    const names = job!.dns_sd_configs.flatMap((sd) => sd.names).sort();
    // The compose services are named after the roles: app runs ROLE=all.
    expect(names).toEqual(Object.keys(PARTS_OF_ROLE).map((role) => (role === 'all' ? 'app' : role)).sort());
    for (const sd of job!.dns_sd_configs) expect(sd.port).toBe(3000);
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as { services: Record<string, { profiles?: string[]; volumes?: string[] }> };
    for (const name of names) expect(compose.services[name], `compose service ${name}`).toBeDefined();
    expect(compose.services.prometheus!.profiles).toEqual(['observability']);
    expect(compose.services.grafana!.volumes).toContain('./docs/observability/grafana/dashboards:/var/lib/grafana/dashboards:ro');
  });
});
