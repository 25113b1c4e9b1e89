package p402.udfs.attribution;

/**
 * Who a call belongs to, by the contract's precedence, decided once for the margin job's parser and
 * the {@code P402_ATTRIBUTE} SQL function alike. Each id has up to three candidates, in this order:
 * the event's top-level field (a meter-only event), the {@code x-p402-*-id} header, the request
 * body's {@code p402} extension. The first present one wins; the customer's names the source.
 * Reading the candidates out of JSON stays with each caller: the parser refuses an invalid id (a
 * dead letter), the SQL function reads leniently.
 *
 * @param customerId the customer, {@link #UNATTRIBUTED} when no candidate names one
 * @param featureId the feature, {@code ""} when absent
 * @param workflowId the workflow, {@code ""} when absent
 * @param source where the customer came from: {@code meter}, {@code header}, {@code body}, or
 *     {@code none}
 * @param conflict two candidates of any id name different values
 */
public record Attribution(
        String customerId, String featureId, String workflowId, String source, boolean conflict) {

    public static final String UNATTRIBUTED = "__unattributed__";

    private static final String[] SOURCES = {"meter", "header", "body"};

    /**
     * Decides from the candidates of each id, each array in precedence order (field, header, body)
     * with null where that place has none.
     */
    public static Attribution of(String[] customer, String[] feature, String[] workflow) {
        int source = first(customer);
        int f = first(feature);
        int w = first(workflow);
        return new Attribution(
                source < 0 ? UNATTRIBUTED : customer[source],
                f < 0 ? "" : feature[f],
                w < 0 ? "" : workflow[w],
                source < 0 ? "none" : SOURCES[source],
                disagree(customer) || disagree(feature) || disagree(workflow));
    }

    private static int first(String[] candidates) {
        for (int i = 0; i < candidates.length; i++) {
            if (candidates[i] != null) {
                return i;
            }
        }
        return -1;
    }

    private static boolean disagree(String[] candidates) {
        String seen = null;
        for (String s : candidates) {
            if (s != null) {
                if (seen != null && !seen.equals(s)) {
                    return true;
                }
                seen = s;
            }
        }
        return false;
    }
}
