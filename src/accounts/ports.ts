/** The account every order belongs to when authentication is off. */
export const OPEN_ACCESS_ACCOUNT = '00000000-0000-0000-0000-000000000000';

export interface StoredKey {
  readonly keyId: string;
  readonly accountId: string;
  readonly secretHash: Buffer;
  readonly revoked: boolean;
}

/** Accounts and API keys, durable. */
export interface AccountStore {
  /** The key row for a key id, or null. */
  findKey(keyId: string): Promise<StoredKey | null>;
  /** Creates an account (or uses `accountId`) and a key for it; returns the ids. */
  createKey(input: { name: string; accountId?: string; keyId: string; secretHash: Buffer }): Promise<{ accountId: string; keyId: string }>;
  /** Marks a key revoked; false when no such live key exists. */
  revokeKey(keyId: string): Promise<boolean>;
}

/** Who is on the other end of a connection. */
export interface Caller {
  readonly accountId: string;
  /** The key used, or null when authentication is off. */
  readonly keyId: string | null;
}
