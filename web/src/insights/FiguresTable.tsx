import { formatFigure, type FigureRow, type Series } from './figures';

/** A chart's figures as a table: its text alternative, and what an analyst copies into a report. */
export function FiguresTable({
  caption,
  rowHeading,
  rows,
  series,
}: {
  caption: string;
  rowHeading: string;
  rows: readonly FigureRow[];
  series: readonly Series[];
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{rowHeading}</th>
            {series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.label}>
              <th scope="row">{row.label}</th>
              {series.map((s) => (
                <td key={s.key} className="figure-number">
                  {formatFigure(row.values[s.key], s.format)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
