import type { HttpResponse, TemplatedApp } from 'uWebSockets.js';
import type { StaticFile } from './static-files.js';

/** What /health reports: up only when every check is. */
export interface HealthReport {
  readonly ok: boolean;
  readonly checks: Record<string, 'up' | 'down'>;
}

/** The plain HTTP routes: health (200 or 503 with each check), metrics, and the page's files. */
export function addHttpRoutes(
  app: TemplatedApp,
  routes: { readonly health: () => Promise<HealthReport>; readonly metrics: () => Promise<string>; readonly files: Map<string, StaticFile> },
): void {
  app.get('/health', (res) => {
    let aborted = false;
    res.onAborted(() => (aborted = true));
    void routes.health().then((report) => {
      if (aborted) return;
      res.cork(() => {
        res.writeStatus(report.ok ? '200 OK' : '503 Service Unavailable');
        res.writeHeader('content-type', 'application/json');
        res.writeHeader('cache-control', 'no-store');
        res.end(JSON.stringify({ status: report.ok ? 'ok' : 'unavailable', ...report.checks }));
      });
    });
  });

  app.get('/metrics', (res) => {
    let aborted = false;
    res.onAborted(() => (aborted = true));
    void routes.metrics().then(
      (text) => respond('200 OK', text),
      () => respond('500 Internal Server Error', 'metrics could not be collected\n'),
    );
    function respond(status: string, body: string): void {
      if (aborted) return;
      res.cork(() => {
        res.writeStatus(status);
        res.writeHeader('content-type', 'text/plain; version=0.0.4; charset=utf-8');
        res.writeHeader('cache-control', 'no-store');
        res.end(body);
      });
    }
  });

  app.any('/*', (res, req) => {
    const method = req.getMethod();
    const url = req.getUrl();
    const ifNoneMatch = req.getHeader('if-none-match');
    const file = routes.files.get(url);
    if ((method !== 'get' && method !== 'head') || !file) return notFound(res, method);
    if (ifNoneMatch === file.etag) {
      res.writeStatus('304 Not Modified').writeHeader('etag', file.etag).endWithoutBody();
      return;
    }
    res.writeHeader('content-type', file.type);
    res.writeHeader('etag', file.etag);
    res.writeHeader('cache-control', file.cacheControl);
    res.writeHeader('x-content-type-options', 'nosniff');
    if (method === 'head') res.endWithoutBody(file.body.length);
    else res.end(file.body);
  });
}

/** 404 for a GET or HEAD of nothing here, 405 for any other method. */
function notFound(res: HttpResponse, method: string): void {
  res.writeStatus(method === 'get' || method === 'head' ? '404 Not Found' : '405 Method Not Allowed');
  res.writeHeader('content-type', 'text/plain; charset=utf-8');
  res.end('not found\n');
}
