import { z } from 'zod';
import { CurrencyCode, HttpsUrl, Id } from './common.js';

/**
 * Server-driven UI widget. Widgets come from the offers service; the apps render them by
 * `component_type`. New component types ship with new app versions, so the type is an open string:
 * the server accepts any well-formed name and the capability matrix decides who may receive it.
 */
export const KNOWN_COMPONENT_TYPES = ['Card', 'InfoBox', 'ProductGrid', 'SectionHeader'] as const;
export const ComponentType = z
  .string()
  .regex(/^[A-Z][A-Za-z0-9]{0,63}$/)
  .describe(`Component name. Known today: ${KNOWN_COMPONENT_TYPES.join(', ')}; more ship with newer apps.`);
export type ComponentType = z.infer<typeof ComponentType>;

/** Client capabilities a widget can require; the same names as the profile's features. */
export const CAPABILITIES = ['customLayout', 'advancedOrdering', 'liveUpdates'] as const;
// Open as well: a widget may require a capability this server does not know yet, which no profile has.
export const Capability = z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/);
export type Capability = z.infer<typeof Capability>;

export const Pricing = z.object({
  price: z.number().finite().nonnegative(),
  currency: CurrencyCode,
  frequency: z.enum(['once', 'monthly', 'quarterly', 'yearly']),
});

export const Rating = z.object({
  score: z.number().min(0).max(5),
  count: z.number().int().nonnegative().optional(),
});

const Text = (max: number) => z.string().min(1).max(max);

/**
 * Widgets the transactions service computes from a user's payments (InfoBoxes such as "Spent this month")
 * share the widgets section with offers. Their ids carry this prefix, which the offers service refuses for
 * an offer, so a widget id alone tells an offer from an insight (the offer funnel counts only offers).
 */
export const INSIGHT_WIDGET_PREFIX = 'insight-';
export const isOfferWidgetId = (widgetId: string): boolean => !widgetId.startsWith(INSIGHT_WIDGET_PREFIX);

/** What a widget shows. Fields an older app does not know are ignored by it, never required. */
export const WidgetData = z.object({
  title: Text(120).optional(),
  subtitle: Text(200).optional(),
  content: Text(2000).optional(),
  image_url: HttpsUrl.optional(),
  pricing: Pricing.optional(),
  rating: Rating.optional(),
  cta: z.object({ label: Text(60), url: HttpsUrl }).optional(),
  // Room for component-specific scalars without a contract change; kept flat so it stays cheap to render.
  attributes: z
    .record(
      z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,31}$/),
      z.union([z.string().max(256), z.number().finite(), z.boolean()]),
    )
    .optional(),
});
export type WidgetData = z.infer<typeof WidgetData>;

/** What to show instead when the app cannot render the widget (one level, no further requirements). */
export const WidgetFallback = z.object({
  component_type: ComponentType,
  data: WidgetData,
});
export type WidgetFallback = z.infer<typeof WidgetFallback>;

export const Widget = z.object({
  widget_id: Id,
  component_type: ComponentType,
  /** Higher shows first in the default order. */
  priority: z.number().int().min(0).max(1000),
  data: WidgetData,
  requires: z.array(Capability).max(10).optional(),
  fallback: WidgetFallback.optional(),
});
export type Widget = z.infer<typeof Widget>;

/** A widget as an app receives it: already downgraded, so no requirements and no fallback. */
export const ClientWidget = Widget.omit({ requires: true, fallback: true });
export type ClientWidget = z.infer<typeof ClientWidget>;
