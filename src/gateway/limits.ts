/** Whether a request fits its budget, and if not, when to try again. */
export type LimitVerdict = { readonly ok: true } | { readonly ok: false; readonly retryAfterMs: number };

/** One connection's rate budgets (the adapter decides how they are counted). */
export interface Limits {
  /** Spends one message. */
  message(): Promise<LimitVerdict>;
  /** Spends one submit. */
  submit(): Promise<LimitVerdict>;
  /** Forgets the connection's own counters when it closes. */
  release(): void;
}

/** Budgets that never run out (tests of other behaviour). */
export const UNLIMITED: Limits = {
  message: async () => ({ ok: true }),
  submit: async () => ({ ok: true }),
  release: () => undefined,
};
