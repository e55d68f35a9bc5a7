import type { WidgetData } from '../../../../dashboard/contract/widget.js';
import { formatMoney } from '../../format';
import { ExternalLink } from '../../ui/ExternalLink';
import { Heading } from '../../ui/Heading';
import type { WidgetProps } from './types';
import { WidgetImage } from './WidgetImage';

const FREQUENCY_WORDS: Record<NonNullable<WidgetData['pricing']>['frequency'], string> = {
  once: 'one-off',
  monthly: 'per month',
  quarterly: 'per quarter',
  yearly: 'per year',
};

export function Card({ data, titleLevel }: WidgetProps) {
  const { title, subtitle, content, image_url: imageUrl, pricing, rating, cta } = data;
  return (
    <div className="widget widget-card">
      {imageUrl !== undefined && <WidgetImage src={imageUrl} alt={title ?? ''} />}
      <div className="widget-body">
        {title !== undefined && (
          <Heading level={titleLevel} className="widget-title">
            {title}
          </Heading>
        )}
        {subtitle !== undefined && <p className="widget-subtitle">{subtitle}</p>}
        {content !== undefined && <p>{content}</p>}
        {pricing !== undefined && (
          <p className="widget-price">
            {formatMoney({ amount: pricing.price, currency: pricing.currency })} {FREQUENCY_WORDS[pricing.frequency]}
          </p>
        )}
        {rating !== undefined && (
          <p className="widget-rating">
            Rated {rating.score} out of 5{rating.count === undefined ? '' : ` (${rating.count} reviews)`}
          </p>
        )}
        {cta !== undefined && (
          <ExternalLink href={cta.url} className="widget-cta">
            {cta.label}
          </ExternalLink>
        )}
      </div>
    </div>
  );
}
