import type { ReactNode } from 'react';

/** One column of a declared table: its header and how a row shows in it. */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => ReactNode;
  /** A test id for the cell, from the row (e.g. `quantity-AAPL`). */
  testId?: (row: Row) => string;
}

export interface DataTableProps<Row> {
  /** The id of the heading that names the table. */
  labelledBy: string;
  rows: readonly Row[];
  columns: ReadonlyArray<Column<Row>>;
  rowKey: (row: Row, index: number) => string;
  /** Said when there are no rows (once loaded). */
  empty: string;
  loaded?: boolean;
  rowProps?: (row: Row) => Record<string, string | undefined>;
}

/** A table from column declarations: the shape every list page shares. */
export function DataTable<Row>({
  labelledBy,
  rows,
  columns,
  rowKey,
  empty,
  loaded = true,
  rowProps,
}: DataTableProps<Row>) {
  return (
    <div className="table-wrap">
      <table aria-labelledby={labelledBy}>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.header}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={rowKey(row, index)} {...rowProps?.(row)}>
              {columns.map((c) => (
                <td key={c.header} data-testid={c.testId?.(row)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {loaded && rows.length === 0 && <p className="muted">{empty}</p>}
    </div>
  );
}
