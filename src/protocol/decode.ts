import * as v from 'valibot';
import { ERRORS, type ErrorCode } from '../errors.js';
import { CLIENT_OPS, ClientMessageSchema, type ClientMessage } from './client-messages.js';

/** Why a client message was refused: a stable code, a human message and the offending field. */
export interface ProtocolError {
  readonly code: ErrorCode;
  readonly message: string;
  readonly field?: string;
  readonly reqId?: string;
}

export type DecodeResult = { readonly ok: true; readonly message: ClientMessage } | { readonly ok: false; readonly error: ProtocolError };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses one text frame into a typed client message, or says exactly what is wrong with it. */
export function decodeClientMessage(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // The parser's own message (position of the bad byte) is not useful to a client; the code is.
    return fail({ code: 'BAD_JSON', message: ERRORS.BAD_JSON.message });
  }
  if (!isRecord(raw)) return fail({ code: 'INVALID_MESSAGE', message: 'the message must be a JSON object' });
  const reqId = typeof raw.reqId === 'string' && /^[\x20-\x7e]{1,64}$/.test(raw.reqId) ? raw.reqId : undefined;
  const op = Object.hasOwn(raw, 'op') ? raw.op : undefined;
  if (typeof op !== 'string') {
    return fail({ code: 'INVALID_MESSAGE', message: 'the message needs an "op" string', field: 'op', reqId });
  }
  if (!(CLIENT_OPS as readonly string[]).includes(op)) {
    return fail({
      code: 'UNKNOWN_OP',
      message: `unknown op ${JSON.stringify(op.slice(0, 32))}; expected one of ${CLIENT_OPS.join(', ')}`,
      field: 'op',
      reqId,
    });
  }
  const parsed = v.safeParse(ClientMessageSchema, raw);
  if (parsed.success) return { ok: true, message: parsed.output };
  const issue = parsed.issues[0];
  const field = v.getDotPath(issue) ?? undefined;
  return fail({
    code: op === 'submit' ? 'INVALID_ORDER' : 'INVALID_MESSAGE',
    message: `${field ?? 'message'}: ${describe(issue)}`,
    field,
    reqId,
  });
}

/** valibot's generic messages for a missing or unknown key are replaced by plain words. */
function describe(issue: v.BaseIssue<unknown>): string {
  if (issue.expected === 'never') return 'unknown field (fields are checked strictly so a typo is never ignored)';
  if (issue.received === 'undefined') return 'is required';
  return issue.message;
}

function fail(error: ProtocolError): DecodeResult {
  const clean = Object.fromEntries(Object.entries(error).filter(([, value]) => value !== undefined)) as unknown as ProtocolError;
  return { ok: false, error: clean };
}
