package p402.jobs.events;

/**
 * Every (feature, workflow) cell of one customer in one pane. An array rather than a map keeps the
 * type a plain POJO (no Kryo) and is faster for the few cells a customer has.
 */
public class PaneGroup {

    public PaneCell[] cells = new PaneCell[0];

    public PaneGroup() {}

    public PaneCell cell(String feature, String workflow) {
        for (PaneCell c : cells) {
            if (c.sameGrain(feature, workflow)) {
                return c;
            }
        }
        PaneCell[] grown = new PaneCell[cells.length + 1];
        System.arraycopy(cells, 0, grown, 0, cells.length);
        PaneCell c = new PaneCell(feature, workflow);
        grown[cells.length] = c;
        cells = grown;
        return c;
    }
}
