package p402.local.door;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import p402.local.JdbcTarget;

/**
 * A tenant's webhook signing secrets: Stripe's endpoint secret ({@code whsec_...}) and the shared
 * secret of the generic billing webhook. Read from Postgres on every delivery, so a rotated secret
 * applies at once; webhooks come at a rate where that costs nothing.
 */
public final class WebhookSecrets {

    /** Which webhook a secret signs. */
    public enum Source {
        STRIPE("stripe"),
        BILLING("billing");

        public final String column;

        Source(String column) {
            this.column = column;
        }
    }

    private final JdbcTarget db;

    public WebhookSecrets(JdbcTarget db) {
        this.db = db;
    }

    public void set(String tenantId, Source source, String secret) throws SQLException {
        if (secret == null || secret.isBlank()) {
            throw new IllegalArgumentException("an empty signing secret signs nothing");
        }
        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + db.table("webhook_secret")
                                        + " (tenant_id, source, secret) VALUES (?, ?, ?)"
                                        + " ON CONFLICT (tenant_id, source) DO UPDATE"
                                        + " SET secret = EXCLUDED.secret, updated_at = now()")) {
            st.setString(1, tenantId);
            st.setString(2, source.column);
            st.setString(3, secret);
            st.executeUpdate();
        }
    }

    public Optional<String> get(String tenantId, Source source) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT secret FROM "
                                        + db.table("webhook_secret")
                                        + " WHERE tenant_id = ? AND source = ?")) {
            st.setString(1, tenantId);
            st.setString(2, source.column);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }
}
