import type { WidgetData } from '../../../../dashboard/contract/widget.js';
import type { HeadingLevel } from '../../ui/Heading';

/** What every SDUI component receives: the widget's data and the heading level its title takes. */
export interface WidgetProps {
  readonly data: WidgetData;
  readonly titleLevel: HeadingLevel;
}
