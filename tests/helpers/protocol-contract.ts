import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

const FILE = join(fileURLToPath(new URL('../..', import.meta.url)), 'docs', 'asyncapi.yaml');

interface Document {
  operations: Record<string, { action: 'send' | 'receive'; messages: Array<{ $ref: string }> }>;
  components: { messages: Record<string, { payload: { $ref: string } }>; schemas: Record<string, unknown> };
}

let compiled: { client: Array<[string, ValidateFunction]>; server: Array<[string, ValidateFunction]> } | undefined;

/** The AsyncAPI document's payload schemas, compiled once per test file: what a client sends, what the server sends. */
function contract() {
  if (compiled) return compiled;
  const document = parse(readFileSync(FILE, 'utf8')) as Document;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const byAction = (action: 'send' | 'receive') =>
    Object.values(document.operations)
      .filter((operation) => operation.action === action)
      .flatMap((operation) => operation.messages.map((ref) => ref.$ref.split('/').at(-1)!))
      .map((name): [string, ValidateFunction] => {
        const schemaName = document.components.messages[name]!.payload.$ref.split('/').at(-1)!;
        return [name, ajv.compile(document.components.schemas[schemaName] as object)];
      });
  // The document speaks for the server: it receives what clients send, and sends the rest.
  compiled = { client: byAction('receive'), server: byAction('send') };
  return compiled;
}

/** The names of the document's messages a payload matches (none: it is not in the contract). */
export function matchingMessages(direction: 'client' | 'server', payload: unknown): string[] {
  return contract()[direction].filter(([, validate]) => validate(payload)).map(([name]) => name);
}

/** Every server message a test received that the AsyncAPI document does not describe. */
export const contractViolations: string[] = [];

/** Checks a message the server sent against the document; a mismatch is recorded for the test to fail on. */
export function checkServerMessage(payload: unknown): void {
  if (matchingMessages('server', payload).length === 0) contractViolations.push(JSON.stringify(payload).slice(0, 500));
}
