package p402.local.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic example traffic of one tenant: calls of three customers on two features, some with
 * the gateway's cost and some priced by the job from their usage, outcomes for some calls, one-time
 * revenue, and the kinds of trouble a stream has (a repeated delivery, a malformed line). Event ids
 * carry a prefix, so batches of one test never collide.
 */
public final class Traffic {

    private static final String[] CUSTOMERS = {"acme", "globex", "initech"};
    private static final String[] FEATURES = {"chat", "search"};

    private final String tenant;
    private final String day;

    /**
     * @param tenant the tenant of every event
     * @param day the UTC day, {@code 2026-11-10}
     */
    public Traffic(String tenant, String day) {
        this.tenant = tenant;
        this.day = day;
    }

    /**
     * {@code count} calls one minute apart from {@code hh:mm}: every third one priced by the job
     * from gpt-4o usage, the others with a provided cost; plus a repeat of the first call and one
     * malformed line.
     */
    public List<String> calls(String prefix, String from, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(call(prefix + i, at(from, i), i));
        }
        lines.add(call(prefix + 0, at(from, 0), 0));
        lines.add("{\"schema\":\"p402.call.v1\",\"event_id\":\"" + prefix + "broken\",");
        return lines;
    }

    /** Outcomes for every second of {@code count} calls of {@link #calls}, two minutes later. */
    public List<String> outcomes(String callPrefix, String from, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i += 2) {
            String status = i % 4 == 0 ? "accepted" : "rejected";
            lines.add(
                    "{\"schema\":\"p402.outcome.v1\",\"event_id\":\"o-"
                            + callPrefix
                            + i
                            + "\",\"tenant_id\":\""
                            + tenant
                            + "\",\"call_event_id\":\""
                            + callPrefix
                            + i
                            + "\",\"occurred_at\":\""
                            + time(at(from, i + 2))
                            + "\",\"status\":\""
                            + status
                            + "\""
                            + (status.equals("accepted") ? ",\"quality_score\":0.75" : "")
                            + "}");
        }
        return lines;
    }

    /** One-time revenue per customer at {@code hh:mm}, the amounts exact to the cent. */
    public List<String> revenue(String prefix, String at) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < CUSTOMERS.length; i++) {
            lines.add(
                    "{\"schema\":\"p402.revenue.v1\",\"event_id\":\""
                            + prefix
                            + i
                            + "\",\"tenant_id\":\""
                            + tenant
                            + "\",\"customer_id\":\""
                            + CUSTOMERS[i]
                            + "\",\"occurred_at\":\""
                            + time(at)
                            + "\",\"amount_usd\":\""
                            + (i + 1)
                            + ".25\",\"kind\":\"one_time\"}");
        }
        return lines;
    }

    /**
     * Calls of another tenant days later, one per customer so that every partition likely gets one:
     * they move event time past every window, horizon and timer of the real traffic, so an
     * unbounded job finalises what a bounded run finalises at its end.
     */
    public static List<String> clockCalls(String tenant, String instant) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            lines.add(
                    "{\"schema\":\"p402.call.v1\",\"event_id\":\"clock-"
                            + i
                            + "\",\"tenant_id\":\""
                            + tenant
                            + "\",\"customer_id\":\"c"
                            + i
                            + "\",\"occurred_at\":\""
                            + instant
                            + "\",\"provider\":\"openai\",\"cost_usd\":\"0.001\"}");
        }
        return lines;
    }

    private String call(String id, String hhmm, int i) {
        String customer = CUSTOMERS[i % CUSTOMERS.length];
        String feature = FEATURES[i % FEATURES.length];
        String cost =
                i % 3 == 0
                        ? "\"response\":{\"model\":\"gpt-4o\",\"usage\":{\"prompt_tokens\":"
                                + (1000 + 10 * i)
                                + ",\"completion_tokens\":"
                                + (200 + i)
                                + ",\"total_tokens\":"
                                + (1200 + 11 * i)
                                + "}}"
                        : "\"cost_usd\":\"0.0" + (10 + i) + "5\"";
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + tenant
                + "\",\"customer_id\":\""
                + customer
                + "\",\"feature_id\":\""
                + feature
                + "\",\"occurred_at\":\""
                + time(hhmm)
                + "\",\"provider\":\"openai\","
                + cost
                + "}";
    }

    private String time(String hhmm) {
        return day + "T" + hhmm + ":00Z";
    }

    private static String at(String from, int minutes) {
        int h = Integer.parseInt(from.substring(0, 2));
        int m = Integer.parseInt(from.substring(3, 5)) + minutes;
        return String.format("%02d:%02d", h + m / 60, m % 60);
    }
}
