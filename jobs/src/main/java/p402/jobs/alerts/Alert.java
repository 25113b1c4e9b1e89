package p402.jobs.alerts;

import java.math.BigDecimal;

/**
 * One alert episode, as written to {@code p402.alert} and published to the alerts topic: emitted
 * once when the condition starts holding ({@code state = open}) and once more when it stops ({@code
 * cleared}, same {@link #alertId}). Times are event time, epoch millis.
 */
public class Alert {

    public static final String OPEN = "open";
    public static final String CLEARED = "cleared";

    public String alertId;
    public String tenantId;
    public String kind;
    public String subjectType;
    public String subjectId;

    /** The window spec the condition was evaluated on, or the budget's month ({@code 2026-12}). */
    public String scope;

    public String state;
    public long openedAt;

    /** {@code Long.MIN_VALUE} while open. */
    public long clearedAt = Long.MIN_VALUE;

    public BigDecimal observed;
    public BigDecimal threshold;
    public String detail;

    public Alert() {}

    static Alert open(
            String kind,
            AlertSubject subject,
            String scope,
            long at,
            BigDecimal observed,
            BigDecimal threshold,
            String detail) {
        Alert a = new Alert();
        a.alertId =
                String.join(
                        "|",
                        subject.tenantId,
                        kind,
                        subject.type,
                        subject.id,
                        scope,
                        Long.toString(at));
        a.tenantId = subject.tenantId;
        a.kind = kind;
        a.subjectType = subject.type;
        a.subjectId = subject.id;
        a.scope = scope;
        a.state = OPEN;
        a.openedAt = at;
        a.observed = observed;
        a.threshold = threshold;
        a.detail = detail;
        return a;
    }

    /** The same episode, cleared at {@code at}. */
    Alert cleared(long at, String why) {
        Alert a = new Alert();
        a.alertId = alertId;
        a.tenantId = tenantId;
        a.kind = kind;
        a.subjectType = subjectType;
        a.subjectId = subjectId;
        a.scope = scope;
        a.state = CLEARED;
        a.openedAt = openedAt;
        a.clearedAt = at;
        a.observed = observed;
        a.threshold = threshold;
        a.detail = detail + "; cleared: " + why;
        return a;
    }
}
