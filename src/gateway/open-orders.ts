/**
 * Counts the orders each account has in flight through this gateway, to cap them without a
 * database query per submit. A submit takes a slot before it is stored; the slot is tied to the
 * order once acked, and freed by the order's terminal event (every event passes every gateway) or
 * when the submit is refused. Per process and in memory: a restarted gateway starts from zero.
 */
export function createOpenOrders(maxPerAccount: number) {
  const perAccount = new Map<string, number>();
  const accountOf = new Map<string, { accountId: string; since: number }>();

  const release = (accountId: string) => {
    const count = (perAccount.get(accountId) ?? 1) - 1;
    if (count > 0) perAccount.set(accountId, count);
    else perAccount.delete(accountId);
  };

  return {
    /** Takes a slot, or returns null when the account is at its cap. */
    acquire(accountId: string): { bind(orderId: string): void; release(): void } | null {
      const count = perAccount.get(accountId) ?? 0;
      if (count >= maxPerAccount) return null;
      perAccount.set(accountId, count + 1);
      let settled = false;
      return {
        bind(orderId) {
          if (settled) return;
          settled = true;
          accountOf.set(orderId, { accountId, since: Date.now() });
        },
        release() {
          if (settled) return;
          settled = true;
          release(accountId);
        },
      };
    },
    /** An order ended: its slot is free again. */
    finished(orderId: string): void {
      const entry = accountOf.get(orderId);
      if (entry === undefined) return;
      accountOf.delete(orderId);
      release(entry.accountId);
    },
    /** Orders holding a slot for longer than `ageMs`: to be checked against the store in case their end was missed. */
    heldLongerThan(ageMs: number, limit = 1000): string[] {
      const before = Date.now() - ageMs;
      const out: string[] = [];
      for (const [orderId, entry] of accountOf) {
        if (entry.since < before) out.push(orderId);
        if (out.length >= limit) break;
      }
      return out;
    },
    count: (accountId: string) => perAccount.get(accountId) ?? 0,
  };
}

export type OpenOrders = ReturnType<typeof createOpenOrders>;
