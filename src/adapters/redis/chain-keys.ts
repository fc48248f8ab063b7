/**
 * The chain's keys, all under one hash tag (`{<namespace>:chain}`): the commit script touches its
 * lease, state, stream, queues and outcomes together, which Redis Cluster allows only within a slot.
 */
export function chainKeys(namespace: string) {
  const tag = `{${namespace}:chain}`;
  return {
    tx: (signature: string) => `${tag}:tx:${signature}`,
    outcome: (signature: string) => `${tag}:outcome:${signature}`,
    /** A signature its order gave up (expired) before the chain received it: never to be received. */
    voided: (signature: string) => `${tag}:void:${signature}`,
    /** Received transactions waiting to land, scored by landsAt. */
    pending: `${tag}:pending`,
    /** The lease of the one chain process that produces slots. */
    leader: `${tag}:leader`,
    /** The published slots (slotSubscribe), the newest few kept; the newest is the chain's state. */
    slots: `${tag}:slots`,
    /** Every launch ever asked for (`npm run chain -- launch`), by pair symbol: a symbol is asked for once. */
    launches: `${tag}:launches`,
    /** The launches not applied yet, by pair symbol, scored by dueAt. */
    launchesDue: `${tag}:launches:due`,
  } as const;
}

export type ChainKeys = ReturnType<typeof chainKeys>;
