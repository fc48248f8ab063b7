/**
 * Counts the orders each account has in flight through this gateway, to cap them without a
 * database query per submit. A submit takes a slot before it is stored; the slot is tied to the
 * order once acked, and freed by the order's terminal event (every event passes every gateway) or
 * when the submit is refused. Per process and in memory: a restarted gateway starts from zero.
 */
export function createOpenOrders(maxPerAccount: number) {
  const perAccount = new Map<string, number>();
  const accountOf = new Map<string, string>();

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
          accountOf.set(orderId, accountId);
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
      const accountId = accountOf.get(orderId);
      if (accountId === undefined) return;
      accountOf.delete(orderId);
      release(accountId);
    },
    count: (accountId: string) => perAccount.get(accountId) ?? 0,
  };
}

export type OpenOrders = ReturnType<typeof createOpenOrders>;
