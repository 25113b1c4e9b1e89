package p402.local.grafana;

import java.util.ArrayList;
import java.util.List;

/**
 * Two tenants' traffic on 2026-11-10 (UTC), for the dashboard and alert tests. Window spec {@code
 * 1h/30m}: windows end on the hour and the half hour.
 *
 * <p>Tenant {@value #A}, customer {@code acme}, feature {@code chat}: calls every minute from 10:00
 * to 12:29 at $0.01, except every second minute from 11:00 to 11:59 at $0.50; revenue $5 at 10:10
 * and $100 at 12:05. So the windows ending 11:30 and 12:00 cost more than they earn (negative
 * margin) and the one ending 12:30 earns again: one negative_margin episode for acme (and for
 * chat), opened at 11:30, cleared at 12:30. Customer {@code globex} (feature {@code search}): a
 * call every 10 minutes at $0.01 and a $48 subscription over the day, always profitable. Tenant A's
 * default budget for 2026-11 is $5 and globex's own $1000: acme spends $15.90 and crosses 80 % and
 * 100 % of $5 and its month projection; globex raises nothing.
 *
 * <p>Tenant {@value #B}: {@code initech} with calls every 5 minutes from 10:00 to 12:29 and a $48
 * subscription over the day, so its rows exist wherever tenant A's do.
 */
final class TilesScenario {

    static final String A = "t-tiles-a";
    static final String B = "t-tiles-b";
    static final String DAY = "2026-11-10T";

    private TilesScenario() {}

    static List<String> calls() {
        List<String> lines = new ArrayList<>();
        for (int m = 0; m < 150; m++) {
            boolean expensive = m >= 60 && m < 120;
            if (expensive && m % 2 == 1) {
                continue;
            }
            lines.add(call(A, "a" + m, "acme", "chat", m, expensive ? "0.50" : "0.01"));
            if (m % 10 == 0) {
                lines.add(call(A, "g" + m, "globex", "search", m, "0.01"));
            }
            if (m % 5 == 0) {
                lines.add(call(B, "b" + m, "initech", "chat", m, "0.02"));
            }
        }
        return lines;
    }

    static List<String> revenue() {
        return List.of(
                revenue(A, "ra1", "acme", 10, "5.00"),
                revenue(A, "ra2", "acme", 125, "100.00"),
                subscription(A, "rg1", "globex", "48.00"),
                subscription(B, "rb1", "initech", "48.00"));
    }

    static List<String> outcomes() {
        List<String> lines = new ArrayList<>();
        for (int m = 0; m < 150; m += 10) {
            lines.add(
                    "{\"schema\":\"p402.outcome.v1\",\"event_id\":\"o"
                            + m
                            + "\",\"tenant_id\":\""
                            + A
                            + "\",\"call_event_id\":\"a"
                            + m
                            + "\",\"occurred_at\":\""
                            + at(m + 1)
                            + "\",\"status\":\"accepted\",\"quality_score\":0.9}");
        }
        return lines;
    }

    private static String call(
            String tenant, String id, String customer, String feature, int minute, String cost) {
        return "{\"schema\":\"p402.call.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + tenant
                + "\",\"occurred_at\":\""
                + at(minute)
                + "\",\"provider\":\"openai\",\"model\":\"gpt-4o\",\"customer_id\":\""
                + customer
                + "\",\"feature_id\":\""
                + feature
                + "\",\"workflow_id\":\"w1\",\"cost_usd\":\""
                + cost
                + "\"}";
    }

    private static String revenue(
            String tenant, String id, String customer, int minute, String amount) {
        return "{\"schema\":\"p402.revenue.v1\",\"event_id\":\""
                + id
                + "\",\"tenant_id\":\""
                + tenant
                + "\",\"customer_id\":\""
                + customer
                + "\",\"occurred_at\":\""
                + at(minute)
                + "\",\"amount_usd\":\""
                + amount
                + "\"}";
    }

    /** Earned over the whole day: $2 an hour. */
    private static String subscription(String tenant, String id, String customer, String amount) {
        return revenue(tenant, id, customer, -600, amount)
                .replace(
                        "}",
                        ",\"service_period\":{\"start\":\""
                                + DAY
                                + "00:00:00Z\",\"end\":\"2026-11-11T00:00:00Z\"}}");
    }

    /** 10:00 plus {@code minutes}. */
    static String at(int minutes) {
        int h = 10 + Math.floorDiv(minutes, 60);
        int m = Math.floorMod(minutes, 60);
        return DAY + String.format("%02d:%02d:00Z", h, m);
    }
}
