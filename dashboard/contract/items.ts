import { z } from 'zod';
import { HttpsUrl, Id, IsoDateTime, Money } from './common.js';

/** Accounts as the accounts service returns them. The IBAN is masked at the source, never here. */
export const ACCOUNT_TYPES = ['current', 'savings', 'credit_card', 'deposit', 'loan', 'investment'] as const;

export const MaskedIban = z
  .string()
  .regex(/^(?=.*\*)[A-Z]{2}[0-9]{2}[A-Z0-9* ]{4,40}$/)
  .describe('IBAN with most digits replaced by *, e.g. "DE89 **** **** **** **30 00"');

export const Account = z.object({
  id: Id,
  name: z.string().min(1).max(120),
  type: z.enum(ACCOUNT_TYPES),
  balance: Money,
  maskedIban: MaskedIban,
  openedAt: IsoDateTime,
});
export type Account = z.infer<typeof Account>;

/** Partners (insurers, mobility, energy, ...) as the partners service returns them. */
export const Partner = z.object({
  id: Id,
  name: z.string().min(1).max(120),
  category: z.string().regex(/^[a-z][a-z0-9_]{0,39}$/),
  logo: HttpsUrl,
});
export type Partner = z.infer<typeof Partner>;
