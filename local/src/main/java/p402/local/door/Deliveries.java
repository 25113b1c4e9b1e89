package p402.local.door;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import p402.local.JdbcTarget;

/**
 * The webhook deliveries already answered with success, and the Stripe refunds counted. A delivery
 * is recorded only after Kafka acknowledged its revenue events, so a delivery that failed half-way
 * is processed again when it is redelivered; two copies arriving at the same instant may both
 * publish, and then the job's own deduplication by event id counts the money once.
 */
final class Deliveries implements StripeRevenue.Refunds {

    private final JdbcTarget db;

    Deliveries(JdbcTarget db) {
        this.db = db;
    }

    boolean seen(String tenantId, String source, String deliveryId) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT 1 FROM "
                                        + db.table("webhook_delivery")
                                        + " WHERE tenant_id = ? AND source = ? AND delivery_id"
                                        + " = ?")) {
            st.setString(1, tenantId);
            st.setString(2, source);
            st.setString(3, deliveryId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** Records the delivery and the refunds it counted, in one transaction. */
    void record(
            String tenantId,
            String source,
            String deliveryId,
            String type,
            int revenueEvents,
            String outcome,
            List<StripeRevenue.CountedRefund> refunds)
            throws SQLException {
        try (Connection c = db.connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement d =
                            c.prepareStatement(
                                    "INSERT INTO "
                                            + db.table("webhook_delivery")
                                            + " (tenant_id, source, delivery_id, type,"
                                            + " revenue_events, outcome) VALUES (?, ?, ?, ?, ?, ?)"
                                            + " ON CONFLICT DO NOTHING");
                    PreparedStatement r =
                            c.prepareStatement(
                                    "INSERT INTO "
                                            + db.table("stripe_refund")
                                            + " (tenant_id, refund_id, charge_id, customer_id,"
                                            + " feature_id, amount_usd, revenue_event_id)"
                                            + " VALUES (?, ?, ?, ?, ?, ?, ?)"
                                            + " ON CONFLICT DO NOTHING")) {
                d.setString(1, tenantId);
                d.setString(2, source);
                d.setString(3, deliveryId);
                d.setString(4, type);
                d.setInt(5, revenueEvents);
                d.setString(6, outcome);
                d.executeUpdate();
                for (StripeRevenue.CountedRefund refund : refunds) {
                    r.setString(1, tenantId);
                    r.setString(2, refund.refundId());
                    r.setString(3, refund.chargeId());
                    r.setString(4, refund.customerId());
                    r.setString(5, refund.featureId() == null ? "" : refund.featureId());
                    r.setBigDecimal(6, refund.amountUsd());
                    r.setString(7, refund.revenueEventId());
                    r.addBatch();
                }
                r.executeBatch();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
    }

    @Override
    public Optional<StripeRevenue.CountedRefund> find(String tenantId, String refundId)
            throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT charge_id, customer_id, feature_id, amount_usd,"
                                        + " revenue_event_id FROM "
                                        + db.table("stripe_refund")
                                        + " WHERE tenant_id = ? AND refund_id = ?")) {
            st.setString(1, tenantId);
            st.setString(2, refundId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                BigDecimal usd = rs.getBigDecimal(4);
                return Optional.of(
                        new StripeRevenue.CountedRefund(
                                refundId,
                                rs.getString(1),
                                rs.getString(2),
                                rs.getString(3),
                                usd,
                                rs.getString(5)));
            }
        }
    }
}
