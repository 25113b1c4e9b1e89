package p402.upgrade;

/** Version 1 of a keyed state type: how many call deliveries a tenant has had. */
public class TenantTally {
    public String tenantId;
    public long calls;

    public TenantTally() {}
}
