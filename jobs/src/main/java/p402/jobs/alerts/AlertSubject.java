package p402.jobs.alerts;

/** Whose margin an alert is about: a customer, or a feature across the tenant's customers. */
public class AlertSubject {

    public static final String CUSTOMER = "customer";
    public static final String FEATURE = "feature";

    public String tenantId;
    public String type;
    public String id;

    public AlertSubject() {}

    public AlertSubject(String tenantId, String type, String id) {
        this.tenantId = tenantId;
        this.type = type;
        this.id = id;
    }

    public String key() {
        return type + '\u0000' + tenantId + '\u0000' + id;
    }
}
