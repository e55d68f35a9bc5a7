import { DomainError } from './problem.js';

/**
 * The reference services know the users 'u-1' .. 'u-N' (N = DOMAIN_SEED_USERS). Anything else is a
 * user that does not exist here, so it is a 404 rather than an empty dashboard.
 */
const USER_ID = /^u-([1-9][0-9]{0,8})$/;

export function userNumber(userId: string): number | null {
  const match = USER_ID.exec(userId);
  return match?.[1] === undefined ? null : Number(match[1]);
}

export function assertKnownUser(userId: string, seedUsers: number): void {
  const n = userNumber(userId);
  if (n === null || n > seedUsers) {
    throw new DomainError(
      'USER_NOT_FOUND',
      404,
      `No user ${JSON.stringify(userId)} (this service knows u-1 .. u-${seedUsers}).`,
    );
  }
}
