import type { LoadResult } from './run.js';
import { histogram } from './stats.js';

const ms = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} ms`;

/** The end-of-run table, plain text. */
export function formatTable(result: LoadResult): string {
  const counts = (record: Record<string, number>) =>
    Object.keys(record).length === 0 ? '0' : Object.entries(record).map(([code, count]) => `${count} ${code}`).join(', ');
  const rows: Array<[string, string]> = [
    ['orders sent', String(result.sent)],
    ['acked', String(result.acked)],
    ['refused (by code)', counts(result.rejected)],
    ['confirmed', String(result.confirmed)],
    ['failed (by code)', counts(result.failed)],
    ['cancelled', String(result.cancelled)],
    ['expired (by code)', counts(result.expired)],
    ['lost (acked, no terminal event)', String(result.lost)],
    ['unanswered (no ack, no error)', String(result.unanswered)],
    ['duplicate events', String(result.duplicates)],
    ['out-of-order events', String(result.outOfOrder)],
    ['orders with a gap in their seqs', String(result.gaps)],
    ['orders on connections the server closed', String(result.disconnected)],
    ['ack latency p50 / p90 / p99 / max', [result.ackLatencyMs.p50, result.ackLatencyMs.p90, result.ackLatencyMs.p99, result.ackLatencyMs.max].map(ms).join(' / ')],
    ['answer latency (acks and refusals) p50 / p99', [result.answerLatencyMs.p50, result.answerLatencyMs.p99].map(ms).join(' / ')],
    ['refusal latency p50 / p99', result.refusalLatencyMs.count === 0 ? 'none refused' : [result.refusalLatencyMs.p50, result.refusalLatencyMs.p99].map(ms).join(' / ')],
    ['submit→confirmed p50 / p99', [result.confirmLatencyMs.p50, result.confirmLatencyMs.p99].map(ms).join(' / ')],
    ['offered rate', `${result.options.rate}/s for ${result.sendWindowS.toFixed(1)} s`],
    ['achieved acked/s', result.ackedPerS.toFixed(1)],
    ['achieved confirmed/s (whole run / steady)', `${result.confirmedPerS.toFixed(1)} / ${result.confirmedPerSSteady.toFixed(1)}`],
    ['connections opened / held', `${result.connectionsOpened} / ${result.connectionsHeld}`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** True when the run saw anything a correct engine never does. */
export function isBroken(result: LoadResult): boolean {
  return result.lost > 0 || result.unanswered > 0 || result.duplicates > 0 || result.outOfOrder > 0 || result.gaps > 0;
}

/** A self-contained HTML report: the table, a latency histogram and throughput over time, as inline SVG. */
export function renderHtml(result: LoadResult): string {
  const escape = (text: string) => text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const hist = (samples: number[], color: string, title: string) => {
    const bins = histogram(samples);
    if (bins.length === 0) return `<p>No ${escape(title)} samples.</p>`;
    const top = Math.max(...bins.map((b) => b.count));
    const w = 720;
    const h = 220;
    const bw = w / bins.length;
    const bars = bins
      .map((b, i) => {
        const bh = (b.count / top) * (h - 30);
        return `<rect x="${(i * bw).toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="${color}"><title>${b.from.toFixed(2)}–${b.to.toFixed(2)} ms: ${b.count}</title></rect>`;
      })
      .join('');
    const labels = [0, Math.floor(bins.length / 2), bins.length - 1]
      .map((i) => `<text x="${(i * bw).toFixed(1)}" y="${h - 4}" font-size="11" fill="#8a94a3">${bins[i]!.from.toFixed(1)} ms</text>`)
      .join('');
    return `<h2>${escape(title)} (log-scaled buckets)</h2><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${escape(title)} histogram">${bars}${labels}</svg>`;
  };
  const w = 720;
  const h = 240;
  const seconds = result.timeline;
  const top = Math.max(1, ...seconds.flatMap((s) => [s.sent, s.acked, s.confirmed]));
  const line = (key: 'sent' | 'acked' | 'confirmed', color: string) => {
    const points = seconds.map((s, i) => `${((i / Math.max(1, seconds.length - 1)) * w).toFixed(1)},${(h - 20 - (s[key] / top) * (h - 40)).toFixed(1)}`).join(' ');
    return `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"><title>${key}</title></polyline>`;
  };
  const throughput = `<h2>Throughput per second</h2><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="orders per second over time">${line('sent', '#8a94a3')}${line('acked', '#5aa9ff')}${line('confirmed', '#2ec27e')}<text x="4" y="14" font-size="11" fill="#e4e8ee">max ${top}/s</text></svg><p><span style="color:#8a94a3">■ sent</span> <span style="color:#5aa9ff">■ acked</span> <span style="color:#2ec27e">■ confirmed</span></p>`;
  // The slowest ack of each second, placed by its second (a second with no ack at all stays empty):
  // a stall (a GC pause, a disk flush) shows as one tall bar.
  const first = seconds[0]?.second ?? 0;
  const span = Math.max(1, (seconds.at(-1)?.second ?? 0) - first + 1);
  const slowest = seconds.reduce((most, s) => Math.max(most, s.ackMaxMs), 0);
  const barWidth = w / span;
  const ackBars = seconds
    .map((s) => {
      const bh = slowest > 0 ? (s.ackMaxMs / slowest) * (h - 40) : 0;
      return `<rect x="${((s.second - first) * barWidth).toFixed(1)}" y="${(h - 20 - bh).toFixed(1)}" width="${Math.max(1, barWidth - 1).toFixed(1)}" height="${bh.toFixed(1)}" fill="#f0b429"><title>second ${s.second}: ${s.ackMaxMs.toFixed(1)} ms</title></rect>`;
    })
    .join('');
  const ackLabel = slowest > 0 ? `max ${slowest.toFixed(1)} ms` : 'no acks';
  const slowestAcks = `<h2>Slowest ack per second</h2><svg viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="slowest ack in each second">${ackBars}<text x="4" y="14" font-size="11" fill="#e4e8ee">${ackLabel}</text></svg>`;
  const table = formatTable(result)
    .split('\n')
    .map((row) => {
      const [label, ...rest] = row.split(/\s{2,}/);
      return `<tr><th>${escape(label ?? '')}</th><td>${escape(rest.join(' '))}</td></tr>`;
    })
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>dex-order-engine load test</title>
<style>body{font-family:system-ui,sans-serif;background:#0d1014;color:#e4e8ee;max-width:800px;margin:2rem auto;padding:0 1rem}th{text-align:left;color:#8a94a3;font-weight:500;padding:.2rem 1rem .2rem 0}td{font-variant-numeric:tabular-nums}svg{background:#151a21;border-radius:6px}h2{font-size:1rem;color:#8a94a3}</style></head>
<body><h1>Load test: ${escape(result.options.url)}</h1><p>${escape(new Date().toISOString())} · ${isBroken(result) ? '<strong style="color:#f06464">PROBLEMS FOUND</strong>' : 'no loss, no duplicate, in order'}</p>
<table>${table}</table>${throughput}${slowestAcks}${hist(result.ackLatencySamples, '#5aa9ff', 'Ack latency')}${hist(result.confirmLatencySamples, '#2ec27e', 'Submit-to-confirmed latency')}</body></html>`;
}
