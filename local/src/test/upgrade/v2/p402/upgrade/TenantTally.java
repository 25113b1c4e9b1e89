package p402.upgrade;

import java.math.BigDecimal;

/**
 * Version 2 of the keyed state type: a field added. Flink's POJO serializer reads version 1
 * entries with this field null.
 */
public class TenantTally {
    public String tenantId;
    public long calls;
    public BigDecimal costUsd;

    public TenantTally() {}
}
