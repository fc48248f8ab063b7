import { afterEach, expect } from 'vitest';
import { contractViolations } from './protocol-contract.js';

// Every test that talks to the server through tests/helpers/ws-client.ts is also a test of the
// AsyncAPI document: each message the server sent must be one it describes, and no request it
// calls invalid may be accepted.
afterEach(() => {
  const violations = contractViolations.splice(0);
  expect(violations, 'messages outside docs/asyncapi.yaml').toEqual([]);
});
