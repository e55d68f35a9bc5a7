import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { INSIGHT_WIDGET_PREFIX, isOfferWidgetId, Widget } from '../../dashboard/index.js';
import { createEvent } from '../shared/events.js';
import { knownUser, parseJsonBody } from '../shared/http.js';
import { DomainError } from '../shared/problem.js';
import {
  createDomainService,
  type DomainService,
  type DomainServiceDeps,
  type RouteContext,
} from '../shared/service.js';
import { offersModel, type OffersState } from './model.js';

export type OffersDeps = DomainServiceDeps;

/** The offers service: server-driven offer widgets per user; publish, withdraw, purchase. */
export function createApp(deps: OffersDeps): Promise<DomainService> {
  return createDomainService('offers', deps, offersModel, mountOfferRoutes);
}

function mountOfferRoutes(app: Hono, { store, seedUsers, clock }: RouteContext<OffersState>): void {
  const findOffer = (state: OffersState, offerId: string): Widget => {
    const offer = state.offers.find((w) => w.widget_id === offerId);
    if (offer === undefined)
      throw new DomainError('OFFER_NOT_FOUND', 404, `No live offer ${JSON.stringify(offerId)} for this user.`);
    return offer;
  };

  app.get('/v1/users/:userId/offers', (c) => {
    const userId = knownUser(c, seedUsers);
    const { state, asOf } = store.read(userId);
    return c.json({ userId, asOf, items: state.offers });
  });

  /** The body is the widget itself, exactly as the dashboard contract defines it. */
  app.post('/v1/users/:userId/offers', async (c) => {
    const userId = knownUser(c, seedUsers);
    const widget = await parseJsonBody(c, Widget);
    if (!isOfferWidgetId(widget.widget_id)) {
      throw new DomainError(
        'RESERVED_WIDGET_ID',
        422,
        `Widget ids starting with ${JSON.stringify(INSIGHT_WIDGET_PREFIX)} name transaction insights, not offers.`,
      );
    }
    const event = await store.write(userId, (state) => {
      if (state.offers.some((w) => w.widget_id === widget.widget_id)) {
        throw new DomainError(
          'OFFER_EXISTS',
          409,
          `Offer ${JSON.stringify(widget.widget_id)} is already live; withdraw it first.`,
        );
      }
      return createEvent('offers', 'OfferPublished', userId, { offerId: widget.widget_id, widget }, clock);
    });
    return c.json(event, 201);
  });

  app.delete('/v1/users/:userId/offers/:widgetId', async (c) => {
    const userId = knownUser(c, seedUsers);
    const offerId = c.req.param('widgetId');
    const event = await store.write(userId, (state) => {
      findOffer(state, offerId);
      return createEvent('offers', 'OfferWithdrawn', userId, { offerId }, clock);
    });
    return c.json(event);
  });

  app.post('/v1/users/:userId/offers/:widgetId/purchase', async (c) => {
    const userId = knownUser(c, seedUsers);
    const offerId = c.req.param('widgetId');
    const event = await store.write(userId, (state) => {
      findOffer(state, offerId);
      const contract = { contractId: `ctr-${randomUUID()}`, offerId, purchasedAt: clock.now().toISOString() };
      return createEvent('offers', 'ContractPurchased', userId, contract, clock);
    });
    return c.json(event, 201);
  });
}
