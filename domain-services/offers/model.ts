import { EVENT_PAYLOADS, type EventEnvelope, type Widget } from '../../dashboard/index.js';
import { UnexpectedEventError, type StoreModel } from '../shared/store.js';
import { seedOffers } from './seed.js';

/** Live offers; a withdrawn or purchased offer is gone from reads (a purchase becomes a contract). */
export interface OffersState {
  offers: Widget[];
  contracts: { contractId: string; offerId: string; purchasedAt: string }[];
}

export const offersModel: StoreModel<OffersState> = {
  seed: (userId) => ({ offers: seedOffers(userId), contracts: [] }),
  apply(state, event: EventEnvelope) {
    switch (event.type) {
      case 'OfferPublished': {
        const { offerId, widget } = EVENT_PAYLOADS.OfferPublished.parse(event.data);
        return { ...state, offers: [...state.offers.filter((w) => w.widget_id !== offerId), widget] };
      }
      case 'OfferWithdrawn': {
        const { offerId } = EVENT_PAYLOADS.OfferWithdrawn.parse(event.data);
        return { ...state, offers: state.offers.filter((w) => w.widget_id !== offerId) };
      }
      case 'ContractPurchased': {
        const contract = EVENT_PAYLOADS.ContractPurchased.parse(event.data);
        return {
          offers: state.offers.filter((w) => w.widget_id !== contract.offerId),
          contracts: [...state.contracts.filter((k) => k.contractId !== contract.contractId), contract],
        };
      }
      default:
        throw new UnexpectedEventError('offers', event);
    }
  },
};
