import * as v from 'valibot';

/** The one request the ceiling serves: a market order, as the engine's protocol spells it. */
const SubmitSchema = v.strictObject({
  op: v.literal('submit'),
  reqId: v.optional(v.pipe(v.string(), v.regex(/^[\x20-\x7e]{1,64}$/, 'must be 1-64 printable ASCII characters'))),
  clientOrderId: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.:\-]{1,64}$/, 'must be 1-64 letters, digits or _ . : -'))),
  type: v.literal('market'),
  side: v.picklist(['buy', 'sell']),
  pair: v.pipe(v.string(), v.regex(/^[A-Z0-9]{1,12}\/[A-Z0-9]{1,12}$/, 'must look like "SOL/USDC"')),
  amount: v.pipe(v.string(), v.regex(/^(0|[1-9]\d{0,14})(\.\d{1,18})?$/, 'must be a positive decimal'), v.check((text) => Number(text) > 0, 'must be greater than zero')),
  slippageBps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5000)), 50),
  deadlineMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(60_000))),
});

const ClientMessageSchema = v.variant('op', [SubmitSchema]);

export type Submit = v.InferOutput<typeof SubmitSchema>;

export type Decoded = { readonly ok: true; readonly submit: Submit } | { readonly ok: false; readonly code: 'BAD_JSON' | 'INVALID_MESSAGE'; readonly message: string; readonly reqId?: string };

/** Parses one text frame: a submit, or why it is not one. */
export function decodeMessage(text: string): Decoded {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, code: 'BAD_JSON', message: 'the message is not valid JSON' };
  }
  const parsed = v.safeParse(ClientMessageSchema, raw);
  if (parsed.success) return { ok: true, submit: parsed.output };
  const reqId = typeof (raw as { reqId?: unknown } | null)?.reqId === 'string' ? (raw as { reqId: string }).reqId : undefined;
  const issue = parsed.issues[0];
  const message = `${v.getDotPath(issue) ?? 'message'}: ${issue.message} (the ceiling serves market submits only)`;
  return { ok: false, code: 'INVALID_MESSAGE', message, ...(reqId !== undefined && { reqId }) };
}

/** The greeting the engine sends on open. */
export function helloMessage(pairs: readonly string[], ts: number): string {
  return JSON.stringify({ type: 'hello', protocol: 1, pairs, ts });
}

/** The engine's ack: the order is stored, its ack event is seq 1, and it is queued. */
export function ackMessage(submit: Submit, orderId: string, ts: number): string {
  return JSON.stringify({ type: 'ack', reqId: submit.reqId, orderId, ...(submit.clientOrderId !== undefined && { clientOrderId: submit.clientOrderId }), status: 'pending', seq: 1, ts });
}

export function errorMessage(code: string, message: string, reqId: string | undefined, retryable = false): string {
  return JSON.stringify({ type: 'error', reqId, code, message, retryable });
}
