import { humanise } from '../../format';
import { Heading } from '../../ui/Heading';
import type { WidgetProps } from './types';

const valueText = (value: string | number | boolean) =>
  typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value);

/** A product's facts side by side: its attributes when it has them, else its title and content. */
export function ProductGrid({ data, titleLevel }: WidgetProps) {
  const attributes = Object.entries(data.attributes ?? {});
  return (
    <div className="widget widget-product-grid">
      {data.title !== undefined && (
        <Heading level={titleLevel} className="widget-title">
          {data.title}
        </Heading>
      )}
      {data.content !== undefined && <p>{data.content}</p>}
      {attributes.length > 0 && (
        <dl className="product-grid">
          {attributes.map(([key, value]) => (
            <div key={key} className="product-grid-cell">
              <dt>{humanise(key)}</dt>
              <dd>{valueText(value)}</dd>
            </div>
          ))}
        </dl>
      )}
    </div>
  );
}
