package p402.jobs.events;

/** The measures of one (feature, workflow) of a customer in one pane or window. */
public class PaneCell extends Measures {

    public String featureId = "";
    public String workflowId = "";

    public PaneCell() {}

    public PaneCell(String featureId, String workflowId) {
        this.featureId = featureId;
        this.workflowId = workflowId;
    }

    public boolean sameGrain(String feature, String workflow) {
        return featureId.equals(feature) && workflowId.equals(workflow);
    }
}
