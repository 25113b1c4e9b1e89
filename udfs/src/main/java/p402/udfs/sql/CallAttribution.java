package p402.udfs.sql;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import org.apache.flink.table.annotation.DataTypeHint;
import org.apache.flink.table.annotation.FunctionHint;
import org.apache.flink.table.functions.ScalarFunction;
import org.apache.flink.types.Row;
import p402.udfs.attribution.Attribution;

/**
 * {@code P402_ATTRIBUTE(customer_id, feature_id, workflow_id, headers_json, request_json)}: who a
 * call belongs to, by the contract's precedence for each of the three ids: the top-level field,
 * then the {@code x-p402-*} header (name case-insensitive, a one-element array counts as its
 * element), then the body extension {@code request.p402}. The precedence is the job's own ({@link
 * Attribution}); reading the JSON is lenient here, where the job's parser refuses invalid ids.
 *
 * <p>Returns {@code ROW<customer_id, feature_id, workflow_id, attribution_source,
 * attribution_conflict>} as {@code call_ledger} has them: no customer anywhere is {@value
 * #UNATTRIBUTED} with source {@code none}; an absent feature or workflow is {@code ''}; the
 * conflict flag is set when two sources name different values for any id.
 */
@FunctionHint(
        output =
                @DataTypeHint(
                        "ROW<customer_id STRING, feature_id STRING, workflow_id STRING,"
                                + " attribution_source STRING, attribution_conflict BOOLEAN>"))
public class CallAttribution extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    public static final String UNATTRIBUTED = Attribution.UNATTRIBUTED;

    private static final ObjectMapper JSON = new ObjectMapper();

    public Row eval(
            String customerId,
            String featureId,
            String workflowId,
            String headersJson,
            String requestJson) {
        JsonNode headers = tree(headersJson);
        JsonNode ext = tree(requestJson).path("p402");
        String[] customer = {
            id(customerId), header(headers, "x-p402-customer-id"), text(ext, "customer_id")
        };
        String[] feature = {
            id(featureId), header(headers, "x-p402-feature-id"), text(ext, "feature_id")
        };
        String[] workflow = {
            id(workflowId), header(headers, "x-p402-workflow-id"), text(ext, "workflow_id")
        };
        Attribution who = Attribution.of(customer, feature, workflow);
        return Row.of(
                who.customerId(), who.featureId(), who.workflowId(), who.source(), who.conflict());
    }

    private static JsonNode tree(String json) {
        if (json == null || json.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String text(JsonNode object, String field) {
        JsonNode v = object.isObject() ? object.get(field) : null;
        return v == null || v.isNull() ? null : id(v.asText());
    }

    /** As the job reads ids: a blank one is absent. */
    private static String id(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String header(JsonNode headers, String name) {
        if (!headers.isObject()) {
            return null;
        }
        Iterator<Map.Entry<String, JsonNode>> it = headers.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> h = it.next();
            if (h.getKey().equalsIgnoreCase(name)) {
                JsonNode v = h.getValue();
                if (v.isArray() && v.size() == 1) {
                    v = v.get(0);
                }
                return v.isNull() ? null : id(v.asText());
            }
        }
        return null;
    }
}
