import { Heading } from '../../ui/Heading';
import type { WidgetProps } from './types';

/** Information rather than an offer: set apart by colour, without image, price or call to action. */
export function InfoBox({ data, titleLevel }: WidgetProps) {
  return (
    <div className="widget widget-info" role="note">
      {data.title !== undefined && (
        <Heading level={titleLevel} className="widget-title">
          {data.title}
        </Heading>
      )}
      {data.subtitle !== undefined && <p className="widget-subtitle">{data.subtitle}</p>}
      {data.content !== undefined && <p>{data.content}</p>}
    </div>
  );
}
