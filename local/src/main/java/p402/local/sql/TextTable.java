package p402.local.sql;

import java.util.List;

/** Rows as an aligned text table: a header, a rule, one line per row; NULL for null. */
public final class TextTable {

    private TextTable() {}

    public static String format(List<String> columns, List<List<String>> rows) {
        int[] width = new int[columns.size()];
        for (int c = 0; c < width.length; c++) {
            width[c] = columns.get(c).length();
            for (List<String> row : rows) {
                width[c] = Math.max(width[c], cell(row.get(c)).length());
            }
        }
        StringBuilder out = new StringBuilder();
        line(out, columns, width);
        for (int c = 0; c < width.length; c++) {
            out.append(c == 0 ? "" : "-+-").append("-".repeat(width[c]));
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row, width);
        }
        out.append(rows.size()).append(rows.size() == 1 ? " row\n" : " rows\n");
        return out.toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < width.length; c++) {
            String v = cell(cells.get(c));
            line.append(c == 0 ? "" : " | ").append(v).append(" ".repeat(width[c] - v.length()));
        }
        out.append(line.toString().stripTrailing()).append('\n');
    }

    private static String cell(String v) {
        return v == null ? "NULL" : v;
    }
}
