import type { Sink } from './order-feed.js';

/**
 * A connection's topic subscriptions: text published to a topic reaches every connection that
 * joined it, serialized once for all of them. Joining twice is joining once.
 */
export interface Topics {
  subscribe(topic: string): void;
  unsubscribe(topic: string): void;
}

/** What a session may do with its socket: send it text, and join or leave topics. */
export interface ClientSink extends Sink, Topics {}

/** Sends one text to every connection subscribed to `topic` (nobody: nothing happens). */
export interface TopicPublisher {
  publish(topic: string, text: string): void;
  /** How many connections follow `topic` now (unknown: treated as some). */
  subscribers?(topic: string): number;
}
