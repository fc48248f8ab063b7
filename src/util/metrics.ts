/** A handful of counters and gauges rendered in Prometheus text format; no library needed for this few. */
export function createMetrics() {
  const values = new Map<string, { help: string; type: 'counter' | 'gauge'; value: number }>();
  const define = (type: 'counter' | 'gauge') => (name: string, help: string) => {
    values.set(name, { help, type, value: 0 });
    return {
      inc: (by = 1) => void (values.get(name)!.value += by),
      set: (value: number) => void (values.get(name)!.value = value),
    };
  };
  return {
    counter: define('counter'),
    gauge: define('gauge'),
    render(): string {
      let out = '';
      for (const [name, metric] of values) out += `# HELP ${name} ${metric.help}\n# TYPE ${name} ${metric.type}\n${name} ${metric.value}\n`;
      return out;
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
