import type { ComponentType } from 'react';
import { KNOWN_COMPONENT_TYPES, type ClientWidget, type WidgetData } from '../../../../dashboard/contract/widget.js';
import type { HeadingLevel } from '../../ui/Heading';
import { Card } from './Card';
import { InfoBox } from './InfoBox';
import { ProductGrid } from './ProductGrid';
import { SectionHeader } from './SectionHeader';
import type { WidgetProps } from './types';

type KnownComponentType = (typeof KNOWN_COMPONENT_TYPES)[number];

const RENDERERS: Record<KnownComponentType, ComponentType<WidgetProps>> = { Card, InfoBox, ProductGrid, SectionHeader };

export interface Renderable {
  readonly type: KnownComponentType;
  readonly data: WidgetData;
}

/**
 * What this app shows for a widget. The server already downgrades widgets for our profile; this
 * applies the contract's generic fallback once more, so a type this build does not know is never
 * shown raw: as a text-only Card when it has a title, otherwise not at all (null).
 */
export function renderable(widget: ClientWidget): Renderable | null {
  const known = KNOWN_COMPONENT_TYPES.find((type) => type === widget.component_type);
  if (known !== undefined) return { type: known, data: widget.data };
  const { title, subtitle, content } = widget.data;
  if (title === undefined) return null;
  return { type: 'Card', data: { title, subtitle, content } };
}

export function Widget({ widget, titleLevel }: { widget: Renderable; titleLevel: HeadingLevel }) {
  const Renderer = RENDERERS[widget.type];
  return <Renderer data={widget.data} titleLevel={titleLevel} />;
}
