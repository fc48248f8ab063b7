import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { buildAsyncApi, CLIENT_MESSAGES } from '../../../scripts/asyncapi/document.js';
import { CLIENT_EXAMPLES, SERVER_EXAMPLES } from '../../../scripts/asyncapi/examples.js';
import type * as wire from '../../../src/protocol/server-messages.js';
import * as schemas from '../../../src/protocol/server-schemas.js';
import { matchingMessages } from '../../helpers/protocol-contract.js';
import { ROOT } from '../../helpers/test-engine.js';

/** True when each type is assignable to the other: the schema and the engine's type describe the same messages. */
type Same<A, B> = [A] extends [Mutable<B>] ? ([Mutable<B>] extends [A] ? SameKeys<A, Mutable<B>> : false) : false;
/** Assignability alone lets an optional field be on one side only: the keys must match too (of each message and of the order snapshot). */
type SameKeys<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
/** The engine's types are readonly throughout; the schemas' outputs are not (readonly-ness is not on the wire). */
type Mutable<T> = T extends readonly (infer U)[] ? Mutable<U>[] : T extends object ? { -readonly [K in keyof T]: Mutable<T[K]> } : T;
type Out<S extends v.GenericSchema> = v.InferOutput<S>;

// Compile-time: each server schema against the type the engine builds that message with. A field
// added to one and not the other fails `npm test` at its type check.
const sameTypes: [
  Same<Out<typeof schemas.HelloSchema>, wire.HelloMessage>,
  Same<Out<typeof schemas.AckSchema>, wire.AckMessage>,
  Same<Out<typeof schemas.DuplicateAckSchema>, wire.DuplicateAckMessage>,
  Same<Out<typeof schemas.OpenEventSchema>, wire.OpenEvent>,
  Same<Out<typeof schemas.RoutingEventSchema>, wire.RoutingEvent>,
  Same<Out<typeof schemas.BuildingEventSchema>, wire.BuildingEvent>,
  Same<Out<typeof schemas.SubmittedEventSchema>, wire.SubmittedEvent>,
  Same<Out<typeof schemas.ConfirmedEventSchema>, wire.ConfirmedEvent>,
  Same<Out<typeof schemas.FailedEventSchema>, wire.FailedEvent>,
  Same<Out<typeof schemas.CancelledEventSchema>, wire.CancelledEvent>,
  Same<Out<typeof schemas.ExpiredEventSchema>, wire.ExpiredEvent>,
  Same<Out<typeof schemas.OrderStateSchema>, wire.OrderStateMessage>,
  Same<Out<typeof schemas.OrdersSchema>, wire.OrdersMessage>,
  Same<Out<typeof schemas.SubscribedSchema>, wire.SubscribedMessage>,
  Same<Out<typeof schemas.ChannelSubscribedSchema>, wire.ChannelSubscribedMessage>,
  Same<Out<typeof schemas.UnsubscribedSchema>, wire.UnsubscribedMessage>,
  Same<Out<typeof schemas.TickerSchema>, wire.TickerMessage>,
  Same<Out<typeof schemas.QuoteReplySchema>, wire.QuoteMessage>,
  Same<Out<typeof schemas.CancelledSchema>, wire.CancelledMessage>,
  Same<Out<typeof schemas.AmendedSchema>, wire.AmendedMessage>,
  Same<Out<typeof schemas.CancelledAllSchema>, wire.CancelledAllMessage>,
  Same<Out<typeof schemas.CancelAllAfterReplySchema>, wire.CancelAllAfterReply>,
  Same<Out<typeof schemas.PairsReplySchema>, wire.PairsMessage>,
  Same<Out<typeof schemas.PongSchema>, wire.PongMessage>,
  Same<Out<typeof schemas.ErrorSchema>, wire.ErrorMessage>,
  Same<Out<typeof schemas.OrderSnapshotSchema>, wire.OrderSnapshot>,
  // Every server message type has its schema.
  Same<Out<(typeof schemas.SERVER_MESSAGES)[keyof typeof schemas.SERVER_MESSAGES]>, wire.ServerMessage>,
] = [true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true, true];

describe('the AsyncAPI document (docs/asyncapi.yaml)', () => {
  it('is what the valibot schemas generate (run npm run asyncapi after changing them)', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(readFileSync(join(ROOT, 'docs', 'asyncapi.yaml'), 'utf8')).toBe(buildAsyncApi(version));
    expect(sameTypes.every(Boolean)).toBe(true);
  });

  it('takes each example as exactly its own message, one per direction', () => {
    for (const [name, example] of Object.entries(CLIENT_EXAMPLES)) expect(matchingMessages('client', example), name).toEqual([name]);
    for (const [name, example] of Object.entries(SERVER_EXAMPLES)) expect(matchingMessages('server', example), name).toEqual([name]);
    expect(Object.keys(CLIENT_EXAMPLES).sort()).toEqual(Object.keys(CLIENT_MESSAGES).sort());
    expect(Object.keys(SERVER_EXAMPLES).sort()).toEqual(Object.keys(schemas.SERVER_MESSAGES).sort());
  });

  it('rejects what the server would not send or take: a missing field, an unknown one, a wrong enum', () => {
    const ack = SERVER_EXAMPLES.ack as Record<string, unknown>;
    const { orderId: _missing, ...withoutId } = ack;
    expect(matchingMessages('server', withoutId)).toEqual([]);
    expect(matchingMessages('server', { ...ack, extra: 1 })).toEqual([]);
    expect(matchingMessages('server', { ...(SERVER_EXAMPLES.submittedEvent as object), dex: 'orca' })).toEqual([]);
    expect(matchingMessages('client', { ...(CLIENT_EXAMPLES.submitMarket as object), side: 'hold' })).toEqual([]);
    expect(matchingMessages('client', { op: 'submit', type: 'market', side: 'buy', pair: 'SOL/USDC' })).toEqual([]);
  });
});
