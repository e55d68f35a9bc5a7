import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { z } from 'zod';
import { Partner } from '../../dashboard/index.js';
import { createEvent } from '../shared/events.js';
import { knownUser, parseJsonBody } from '../shared/http.js';
import { DomainError } from '../shared/problem.js';
import {
  createDomainService,
  type DomainService,
  type DomainServiceDeps,
  type RouteContext,
} from '../shared/service.js';
import { partnersModel, type PartnersState } from './model.js';
import { partnerLogo } from './seed.js';

const PartnerFields = Partner.shape;

/** `id` and `logo` are optional: a catalogue-style id and logo are derived when left out. */
export const AddPartnerBody = z.strictObject({
  id: PartnerFields.id.optional(),
  name: PartnerFields.name,
  category: PartnerFields.category,
  logo: PartnerFields.logo.optional(),
});

export const UpdatePartnerBody = z
  .strictObject({
    name: PartnerFields.name.optional(),
    category: PartnerFields.category.optional(),
    logo: PartnerFields.logo.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'Name at least one of name, category, logo' });

export type PartnersDeps = DomainServiceDeps;

/** The partners service: the partner brands linked to each user, add / update / remove. */
export function createApp(deps: PartnersDeps): Promise<DomainService> {
  return createDomainService('partners', deps, partnersModel, mountPartnerRoutes);
}

function mountPartnerRoutes(app: Hono, { store, seedUsers, clock }: RouteContext<PartnersState>): void {
  const findPartner = (state: PartnersState, partnerId: string): Partner => {
    const partner = state.partners.find((p) => p.id === partnerId);
    if (partner === undefined)
      throw new DomainError('PARTNER_NOT_FOUND', 404, `No partner ${JSON.stringify(partnerId)} for this user.`);
    return partner;
  };

  app.get('/v1/users/:userId/partners', (c) => {
    const userId = knownUser(c, seedUsers);
    const { state, asOf } = store.read(userId);
    return c.json({ userId, asOf, items: state.partners });
  });

  app.post('/v1/users/:userId/partners', async (c) => {
    const userId = knownUser(c, seedUsers);
    const body = await parseJsonBody(c, AddPartnerBody);
    const id = body.id ?? `p-${randomUUID()}`;
    const partner: Partner = { id, name: body.name, category: body.category, logo: body.logo ?? partnerLogo(id) };
    const event = await store.write(userId, (state) => {
      if (state.partners.some((p) => p.id === id))
        throw new DomainError('PARTNER_EXISTS', 409, `Partner ${JSON.stringify(id)} is already linked.`);
      return createEvent('partners', 'PartnerAdded', userId, partner, clock);
    });
    return c.json(event, 201);
  });

  app.patch('/v1/users/:userId/partners/:partnerId', async (c) => {
    const userId = knownUser(c, seedUsers);
    const partnerId = c.req.param('partnerId');
    const body = await parseJsonBody(c, UpdatePartnerBody);
    const event = await store.write(userId, (state) =>
      createEvent('partners', 'PartnerUpdated', userId, { ...findPartner(state, partnerId), ...body }, clock),
    );
    return c.json(event);
  });

  app.delete('/v1/users/:userId/partners/:partnerId', async (c) => {
    const userId = knownUser(c, seedUsers);
    const partnerId = c.req.param('partnerId');
    const event = await store.write(userId, (state) => {
      findPartner(state, partnerId);
      return createEvent('partners', 'PartnerRemoved', userId, { partnerId }, clock);
    });
    return c.json(event);
  });
}
