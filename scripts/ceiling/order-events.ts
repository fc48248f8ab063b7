import { randomBytes } from 'node:crypto';

/** The four status changes the worker writes after the ack (seq 1), in order. */
export const WORKER_STATUSES = ['routing', 'building', 'submitted', 'confirmed'] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

/** Every order goes the one way: the ack is seq 1, routing 2 … confirmed 5. */
export const seqOf = (status: WorkerStatus): number => WORKER_STATUSES.indexOf(status) + 2;

/** The status an order must stand at for `status` to be its next. */
export const previousOf = (status: WorkerStatus): string => (status === 'routing' ? 'pending' : WORKER_STATUSES[WORKER_STATUSES.indexOf(status) - 1]!);

export interface EventText {
  readonly orderId: string;
  readonly seq: number;
  readonly status: WorkerStatus;
  /** The event as it goes on the wire, serialized once: stored as is (jsonb) and sent as is. */
  readonly text: string;
}

// Nothing is routed or executed here, so the venue's quotes and the chain's fill are fixed
// stand-ins, shaped and sized like the engine's events (the bytes stored and sent compare).
const QUOTES = [
  { dex: 'raydium', price: '140.326629', amountIn: '70.163314', amountOut: '0.500000000', fee: '0.175408', feeBps: 25, priceImpactBps: 0.34 },
  { dex: 'meteora', price: '140.264461', amountIn: '70.132230', amountOut: '0.500000000', fee: '0.070132', feeBps: 10, priceImpactBps: 0.12 },
];
const ROUTE = [{ dex: 'meteora', amount: '0.500000000', amountIn: '70.132230' }];
const LIMIT = { maxAmountIn: '73.638841' };
const REASON = 'buy on meteora at 140.264 vs raydium at 140.327: pays 4.4 bps less';

/** A Solana-sized signature (64 random bytes), as the engine saves with the route. */
export const signature = (): string => randomBytes(64).toString('base64url');

/** The order's event for `status`, in the engine's shape (`type`, `orderId`, `seq`, `status`, …, `ts`). */
export function orderEvent(orderId: string, status: WorkerStatus, txHash: string, ts: number): EventText {
  const seq = seqOf(status);
  const head = { type: 'order', orderId, seq, status };
  let body: object;
  switch (status) {
    case 'routing':
      body = { ...head, ts };
      break;
    case 'building':
      body = { ...head, dex: 'meteora', route: ROUTE, quotes: QUOTES, limit: LIMIT, reason: REASON, ts };
      break;
    case 'submitted':
      body = { ...head, dex: 'meteora', txHash, ts };
      break;
    case 'confirmed':
      body = { ...head, dex: 'meteora', txHash, executedPrice: '140.404726', amountIn: '70.202363', amountOut: '0.500000000', fee: '0.070202', ts };
      break;
    default:
      return assertNever(status);
  }
  return { orderId, seq, status, text: JSON.stringify(body) };
}

function assertNever(value: never): never {
  throw new Error(`unhandled status ${JSON.stringify(value)}`);
}
