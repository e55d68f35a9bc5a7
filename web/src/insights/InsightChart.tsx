import { useId } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { FiguresTable } from './FiguresTable';
import { formatDayTick, formatFigure, isEmpty, type FigureRow, type Series } from './figures';

export type ChartKind = 'line' | 'bars' | 'stacked-bars' | 'ranked-bars';

type Plotted = Readonly<Record<string, string | number | null>>;

const TICK = { fill: '#4b5563', fontSize: 12 };
const GRID = '#d5d9e0';

/**
 * One chart with its caption and its figures. The drawing is an image named by the title (its
 * keyboard layer is off: the figures table under it is the accessible way to every value); the table
 * lists exactly the rows the chart draws. With nothing to draw it says so instead of showing empty axes.
 */
export function InsightChart({
  title,
  kind,
  rowHeading,
  rows,
  series,
}: {
  title: string;
  kind: ChartKind;
  /** What a row is: "Day", "Offer", "App version"; rows of days get short dates on the axis. */
  rowHeading: string;
  rows: readonly FigureRow[];
  series: readonly Series[];
}) {
  const captionId = useId();
  if (isEmpty(rows, series))
    return (
      <figure className="chart" aria-labelledby={captionId}>
        <figcaption id={captionId}>{title}</figcaption>
        <p className="muted">No data for these days</p>
      </figure>
    );

  // recharts reads values by key; plain keys per series (s0, s1, …) so a sort mode's name can never
  // clash with the row's label or be read as a property path.
  const drawn = series.filter((s) => s.tableOnly !== true);
  const data: Plotted[] = rows.map((row) => ({
    label: row.label,
    ...Object.fromEntries(drawn.map((s, index) => [`s${index}`, row.values[s.key] ?? null])),
  }));
  const format = drawn[0]?.format ?? 'count';
  const tick = (value: unknown) => formatFigure(typeof value === 'number' ? value : null, format);
  const labelTick = (value: unknown) => (rowHeading === 'Day' ? formatDayTick(String(value)) : String(value));
  const chartProps = {
    data,
    role: 'img',
    'aria-label': title,
    accessibilityLayer: false,
    margin: { top: 8, right: 16, bottom: 8, left: 8 },
  };
  const tooltip = <Tooltip formatter={(value) => formatFigure(typeof value === 'number' ? value : null, format)} />;

  const height = kind === 'ranked-bars' ? 48 + rows.length * 32 : 280;
  const chart =
    kind === 'line' ? (
      <LineChart {...chartProps}>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
        <XAxis dataKey="label" tick={TICK} tickFormatter={labelTick} />
        <YAxis tick={TICK} tickFormatter={tick} width={72} domain={format === 'percent' ? [0, 1] : undefined} />
        {tooltip}
        <Legend />
        {drawn.map((s, index) => (
          <Line
            key={s.key}
            type="linear"
            dataKey={`s${index}`}
            name={s.label}
            stroke={s.colour}
            strokeWidth={2}
            strokeDasharray={s.dashed === true ? '6 4' : undefined}
            dot={rows.length <= 31}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    ) : kind === 'ranked-bars' ? (
      <BarChart {...chartProps} layout="vertical">
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" horizontal={false} />
        <XAxis type="number" tick={TICK} tickFormatter={tick} allowDecimals={false} />
        <YAxis type="category" dataKey="label" tick={TICK} width={200} />
        {tooltip}
        {drawn.map((s, index) => (
          <Bar key={s.key} dataKey={`s${index}`} name={s.label} fill={s.colour} isAnimationActive={false} />
        ))}
      </BarChart>
    ) : (
      <BarChart {...chartProps}>
        <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={TICK} tickFormatter={labelTick} />
        <YAxis tick={TICK} tickFormatter={tick} width={72} allowDecimals={false} />
        {tooltip}
        <Legend />
        {drawn.map((s, index) => (
          <Bar
            key={s.key}
            dataKey={`s${index}`}
            name={s.label}
            fill={s.colour}
            stackId={kind === 'stacked-bars' ? 'stack' : undefined}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    );

  return (
    <figure className="chart" aria-labelledby={captionId}>
      <figcaption id={captionId}>{title}</figcaption>
      <div className="chart-drawing">
        <ResponsiveContainer width="100%" height={height}>
          {chart}
        </ResponsiveContainer>
      </div>
      <details className="chart-figures">
        <summary>
          Figures<span className="visually-hidden">: {title}</span>
        </summary>
        <FiguresTable caption={title} rowHeading={rowHeading} rows={rows} series={series} />
      </details>
    </figure>
  );
}
