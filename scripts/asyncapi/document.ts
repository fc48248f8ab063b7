import { toJsonSchema, type JsonSchema } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { stringify } from 'yaml';
import {
  AmendSchema,
  CancelAllAfterSchema,
  CancelAllSchema,
  CancelSchema,
  GetSchema,
  LimitSubmitSchema,
  ListSchema,
  MarketSubmitSchema,
  OrderSubscribeSchema,
  PairsSchema,
  PingSchema,
  QuoteSchema,
  SniperSubmitSchema,
  StopSubmitSchema,
  TickerSubscribeSchema,
  UnsubscribeSchema,
} from '../../src/protocol/client-messages.js';
import { SERVER_MESSAGES } from '../../src/protocol/server-schemas.js';
import { CLIENT_EXAMPLES, SERVER_EXAMPLES } from './examples.js';

type Schema = v.GenericSchema;

/** Every client message by its AsyncAPI name, with what it asks for. */
export const CLIENT_MESSAGES: Record<string, { readonly schema: Schema; readonly summary: string }> = {
  submitMarket: { schema: MarketSubmitSchema, summary: 'Submit a market order: routed to the better venue and sent at once' },
  submitLimit: { schema: LimitSubmitSchema, summary: 'Submit a limit order: fills all at once at limitPrice (effective, fees included) or better, or rests (GTC, GTD, IOC)' },
  submitStop: { schema: StopSubmitSchema, summary: 'Submit a stop: a market order once the reference price crosses triggerPrice' },
  submitSniper: { schema: SniperSubmitSchema, summary: 'Submit a sniper: rests until the pair launches, then buys for spend at no more than maxPrice' },
  amend: { schema: AmendSchema, summary: "Change a resting order's terms (exactly one of orderId and clientOrderId; at least one term)" },
  cancel: { schema: CancelSchema, summary: 'Cancel an order not yet signed (exactly one of orderId and clientOrderId)' },
  cancelAll: { schema: CancelAllSchema, summary: "Cancel every cancellable order of the account (of one pair, when given)" },
  cancelAllAfter: { schema: CancelAllAfterSchema, summary: 'Arm the dead-man switch: unless sent again within timeoutMs, cancel everything (0 disarms)' },
  get: { schema: GetSchema, summary: "An order's state and every event it has had (exactly one of orderId and clientOrderId)" },
  list: { schema: ListSchema, summary: "The account's orders, newest first, a page at a time" },
  subscribeOrder: { schema: OrderSubscribeSchema, summary: "Replay an order's events after fromSeq, then stream the live ones (resume after a reconnect)" },
  subscribeTicker: { schema: TickerSubscribeSchema, summary: "Stream a pair's ticker, at most one per slot" },
  unsubscribe: { schema: UnsubscribeSchema, summary: "Stop a pair's ticker" },
  quoteRequest: { schema: QuoteSchema, summary: 'A pre-trade quote for a size from the latest slot (creates no order)' },
  pairsRequest: { schema: PairsSchema, summary: 'The traded pairs and their venues' },
  ping: { schema: PingSchema, summary: 'Application-level heartbeat' },
};

/** A valibot schema as JSON Schema: what a client sends (before any transform), without the draft marker. */
function jsonSchemaOf(schema: Schema, mode: 'input' | 'output'): JsonSchema {
  // Checks across fields (exactly one of two ids, GTD needs expireAt) have no JSON Schema form:
  // they are left out here and said in the summaries; the server still enforces them.
  const { $schema: _draft, ...json } = toJsonSchema(schema, { errorMode: 'ignore', typeMode: mode });
  return json;
}

/**
 * The AsyncAPI 3 document of the WebSocket protocol, built from the valibot schemas the gateway
 * parses with (client messages) and the ones the server's message types are checked against
 * (server messages), with one checked example each. `npm run asyncapi` writes it to
 * docs/asyncapi.yaml; a test fails when the file is not what this builds.
 */
export function buildAsyncApi(version: string): string {
  const messages: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  const add = (name: string, schema: Schema, summary: string, example: unknown, mode: 'input' | 'output') => {
    if (name in messages) throw new Error(`two messages are named ${name}`);
    const checked = v.safeParse(schema, example);
    if (!checked.success) throw new Error(`the example of ${name} does not match its schema: ${checked.issues.map((issue) => issue.message).join('; ')}`);
    schemas[name] = jsonSchemaOf(schema, mode);
    messages[name] = { name, title: name, summary, contentType: 'application/json', payload: { $ref: `#/components/schemas/${name}` }, examples: [{ name: `${name}Example`, payload: example }] };
  };
  for (const [name, { schema, summary }] of Object.entries(CLIENT_MESSAGES)) add(name, schema, summary, CLIENT_EXAMPLES[name], 'input');
  for (const [name, schema] of Object.entries(SERVER_MESSAGES)) add(name, schema, v.getDescription(schema) ?? name, SERVER_EXAMPLES[name], 'output');

  const refs = (names: string[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/messages/${name}` }]));
  const clientNames = Object.keys(CLIENT_MESSAGES);
  const serverNames = Object.keys(SERVER_MESSAGES);
  const document = {
    asyncapi: '3.0.0',
    info: {
      title: 'dex-order-engine WebSocket protocol',
      version,
      description: [
        'One persistent WebSocket per trader. Every request may carry a `reqId`, echoed in its reply.',
        'A submit gets an immediate `ack` (the order is durable and queued), then the order\'s events',
        '(`routing`, `building`, `submitted`, `confirmed` | `failed`, or `open` for a resting order) on',
        'the same socket, each with a per-order `seq` starting at 1. docs/protocol.md has the prose,',
        'the error codes and the resume rules. This document is generated from the valibot schemas',
        '(`npm run asyncapi`); do not edit it by hand.',
      ].join('\n'),
    },
    defaultContentType: 'application/json',
    servers: {
      local: {
        host: '127.0.0.1:3000',
        protocol: 'ws',
        description: '`npm start`. The API key goes in a `Sec-WebSocket-Protocol` entry or the `key` query parameter (browsers).',
      },
    },
    channels: {
      trading: {
        address: '/ws',
        title: 'The trading socket',
        description: 'Requests, replies, order events and tickers, all on one socket.',
        messages: refs([...clientNames, ...serverNames]),
      },
    },
    operations: {
      receiveRequest: {
        action: 'receive',
        channel: { $ref: '#/channels/trading' },
        summary: 'What a client sends',
        messages: clientNames.map((name) => ({ $ref: `#/channels/trading/messages/${name}` })),
      },
      sendReplyOrEvent: {
        action: 'send',
        channel: { $ref: '#/channels/trading' },
        summary: 'What the server sends: replies (with the request\'s reqId), order events and tickers',
        messages: serverNames.map((name) => ({ $ref: `#/channels/trading/messages/${name}` })),
      },
    },
    components: { messages, schemas },
  };
  return `# Generated by \`npm run asyncapi\` from src/protocol/*.ts: do not edit by hand.\n${stringify(document, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}
