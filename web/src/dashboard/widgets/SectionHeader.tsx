import { Heading } from '../../ui/Heading';
import type { WidgetProps } from './types';

/** A small heading that groups the widgets after it. */
export function SectionHeader({ data, titleLevel }: WidgetProps) {
  return (
    <div className="widget widget-section-header">
      <Heading level={titleLevel} className="widget-section-title">
        {data.title ?? data.content ?? ''}
      </Heading>
      {data.subtitle !== undefined && <p className="widget-subtitle">{data.subtitle}</p>}
    </div>
  );
}
