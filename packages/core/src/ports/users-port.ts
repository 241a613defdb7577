import type { GuestUser } from '../schema/guest-types.js';

/** Guest accounts: who is logged in, and password changes. */
export interface UsersPort {
  /** Logged-in users, one entry per user with the earliest login time. */
  loggedIn(): Promise<GuestUser[]>;
  /** Set a password; `password` is already base64-decoded. */
  setPassword(user: string, password: string, crypted: boolean): Promise<void>;
}

/**
 * Access to a user's authorized_keys file. Core owns validation, ordering,
 * dedupe and messages; the port owns lookup, ownership, modes and atomicity.
 */
export interface SshKeysPort {
  /** The authorized_keys path of `user`; throws QgaError `failed to lookup user '<u>': …`. */
  keysFile(user: string): Promise<string>;
  /** The file's text, or null when it does not exist. Other failures throw (errno `code`). */
  read(user: string): Promise<string | null>;
  /** Replace the file atomically (creating ~/.ssh 0700 and the file 0600, owned by the user). */
  write(user: string, text: string): Promise<void>;
}
