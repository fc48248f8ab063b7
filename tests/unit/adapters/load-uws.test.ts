import { describe, expect, it } from 'vitest';
import { loadUws } from '../../../src/adapters/uws/load-uws.js';

describe('loadUws', () => {
  it('loads the native uWebSockets.js binary for this Node', () => {
    const uws = loadUws();
    expect(typeof uws.App).toBe('function');
    expect(typeof uws.us_listen_socket_close).toBe('function');
  });

  it('refuses to start, rather than fall back to the slow JS server, when the binary does not load', () => {
    expect(() => loadUws('uWebSockets.js/binaries/uws_plan9_mips_1.node')).toThrow(/refusing to start on the slow fallback/);
  });
});
