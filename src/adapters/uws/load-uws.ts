import { createRequire } from 'node:module';
import type * as Uws from 'uWebSockets.js';

export type UwsModule = typeof Uws;

/**
 * Loads uWebSockets.js's native binary directly. The package's own loader silently falls back to a
 * slow pure-JS server when the binary does not fit this Node/glibc; we refuse to start instead.
 * This file is the one place that knows which package provides the binding.
 */
export function loadUws(
  binary = `uWebSockets.js/binaries/uws_${process.platform}_${process.arch}_${process.versions.modules}.node`,
): UwsModule {
  const require = createRequire(import.meta.url);
  try {
    return require(binary) as UwsModule;
  } catch (err) {
    throw new Error(
      `the native uWebSockets.js binary does not load on this platform (${process.platform}-${process.arch}, Node ${process.version}, ABI ${process.versions.modules}); ` +
        'refusing to start on the slow fallback. Use Node 20 on glibc >= 2.27 (e.g. node:20-bookworm-slim).',
      { cause: err },
    );
  }
}
