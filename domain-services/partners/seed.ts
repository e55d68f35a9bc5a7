import type { Partner } from '../../dashboard/index.js';
import { seededRandom } from '../shared/prng.js';

/** Fictional partner brands of the bank; users are linked to a few of them. */
export const PARTNER_CATALOGUE: readonly Omit<Partner, 'logo'>[] = [
  { id: 'p-alpina-insurance', name: 'Alpina Insurance', category: 'insurance' },
  { id: 'p-northstar-health', name: 'Northstar Health', category: 'insurance' },
  { id: 'p-citymove', name: 'CityMove', category: 'mobility' },
  { id: 'p-greengrid-energy', name: 'GreenGrid Energy', category: 'energy' },
  { id: 'p-wavelink', name: 'WaveLink Mobile', category: 'telecom' },
  { id: 'p-farway-travel', name: 'Farway Travel', category: 'travel' },
  { id: 'p-homesafe', name: 'HomeSafe Alarms', category: 'home' },
  { id: 'p-freshcart', name: 'FreshCart Groceries', category: 'retail' },
  { id: 'p-sparkfit', name: 'SparkFit Gyms', category: 'health' },
  { id: 'p-ledgerly', name: 'Ledgerly Tax', category: 'finance' },
];

export function partnerLogo(partnerId: string): string {
  return `https://cdn.bank.example/partners/${partnerId}.png`;
}

/** A user's partners before any write: 1 to 5 of the catalogue, the same for the same user everywhere. */
export function seedPartners(userId: string): Partner[] {
  const r = seededRandom(`partners:${userId}`);
  const wanted = r.int(1, 5);
  const pool = [...PARTNER_CATALOGUE];
  const partners: Partner[] = [];
  while (partners.length < wanted && pool.length > 0) {
    const [chosen] = pool.splice(r.int(0, pool.length - 1), 1);
    if (chosen !== undefined) partners.push({ ...chosen, logo: partnerLogo(chosen.id) });
  }
  return partners;
}
