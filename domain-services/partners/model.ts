import { EVENT_PAYLOADS, Partner, type EventEnvelope } from '../../dashboard/index.js';
import { UnexpectedEventError, type StoreModel } from '../shared/store.js';
import { seedPartners } from './seed.js';

export interface PartnersState {
  partners: Partner[];
}

export const partnersModel: StoreModel<PartnersState> = {
  seed: (userId) => ({ partners: seedPartners(userId) }),
  apply(state, event: EventEnvelope) {
    switch (event.type) {
      case 'PartnerAdded': {
        const partner = Partner.parse(event.data);
        return { partners: [...state.partners.filter((p) => p.id !== partner.id), partner] };
      }
      case 'PartnerUpdated': {
        const partner = Partner.parse(event.data);
        return { partners: state.partners.map((p) => (p.id === partner.id ? partner : p)) };
      }
      case 'PartnerRemoved': {
        const { partnerId } = EVENT_PAYLOADS.PartnerRemoved.parse(event.data);
        return { partners: state.partners.filter((p) => p.id !== partnerId) };
      }
      default:
        throw new UnexpectedEventError('partners', event);
    }
  },
};
