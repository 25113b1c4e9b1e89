package p402.local.door;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import p402.local.JdbcTarget;

/**
 * API keys: each one belongs to one tenant and is the only way to write that tenant's events
 * through the door. A key reads {@code p402_<key id>_<secret>}: the id finds the row, the secret is
 * checked against a salted SHA-256 of it. SHA-256 rather than a slow password hash because the
 * secret is 256 random bits, not something a person chose: there is nothing to guess.
 *
 * <p>A key that authenticated is remembered for {@link #CACHE_TTL}, so a revoked key may still be
 * accepted for that long by a running server (the price of not asking Postgres on every request).
 */
public final class ApiKeys {

    public static final Duration CACHE_TTL = Duration.ofSeconds(10);

    private static final String PREFIX = "p402_";
    private static final int ID_HEX_CHARS = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key as listed: never its secret. */
    public record Listed(
            String keyId,
            String tenantId,
            String label,
            Timestamp createdAt,
            Timestamp revokedAt) {}

    /** A new key: {@code key} is the only copy of its secret. */
    public record Created(String keyId, String tenantId, String key) {}

    private record Remembered(String tenantId, long until) {}

    private final JdbcTarget db;
    private final Map<String, Remembered> recent = new ConcurrentHashMap<>();

    public ApiKeys(JdbcTarget db) {
        this.db = db;
    }

    public Created create(String tenantId, String label) throws SQLException {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("a key needs a tenant");
        }
        byte[] id = new byte[ID_HEX_CHARS / 2];
        byte[] secret = new byte[32];
        byte[] salt = new byte[16];
        RANDOM.nextBytes(id);
        RANDOM.nextBytes(secret);
        RANDOM.nextBytes(salt);
        String keyId = HexFormat.of().formatHex(id);
        String secretText = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);

        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + db.table("api_key")
                                        + " (key_id, tenant_id, salt, key_hash, label)"
                                        + " VALUES (?, ?, ?, ?, ?)")) {
            st.setString(1, keyId);
            st.setString(2, tenantId);
            st.setBytes(3, salt);
            st.setBytes(4, hash(salt, secretText));
            st.setString(5, label);
            st.executeUpdate();
        }
        return new Created(keyId, tenantId, PREFIX + keyId + "_" + secretText);
    }

    /** Every key, or a tenant's when {@code tenantId} is not null, oldest first. */
    public List<Listed> list(String tenantId) throws SQLException {
        String sql =
                "SELECT key_id, tenant_id, label, created_at, revoked_at FROM "
                        + db.table("api_key")
                        + (tenantId == null ? "" : " WHERE tenant_id = ?")
                        + " ORDER BY created_at, key_id";
        List<Listed> keys = new ArrayList<>();
        try (Connection c = db.connect();
                PreparedStatement st = c.prepareStatement(sql)) {
            if (tenantId != null) {
                st.setString(1, tenantId);
            }
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    keys.add(
                            new Listed(
                                    rs.getString(1),
                                    rs.getString(2),
                                    rs.getString(3),
                                    rs.getTimestamp(4),
                                    rs.getTimestamp(5)));
                }
            }
        }
        return keys;
    }

    /** Revokes a key by its id; false when there is no such key or it was revoked before. */
    public boolean revoke(String keyId) throws SQLException {
        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "UPDATE "
                                        + db.table("api_key")
                                        + " SET revoked_at = now()"
                                        + " WHERE key_id = ? AND revoked_at IS NULL")) {
            st.setString(1, keyId);
            boolean revoked = st.executeUpdate() == 1;
            recent.clear();
            return revoked;
        }
    }

    /** The tenant of a valid, unrevoked key; empty for anything else. */
    public Optional<String> tenantOf(String key) throws SQLException {
        if (key == null || !key.startsWith(PREFIX) || key.length() < PREFIX.length() + 18) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        Remembered r = recent.get(key);
        if (r != null && now - r.until < 0) {
            return Optional.of(r.tenantId);
        }

        String keyId = key.substring(PREFIX.length(), PREFIX.length() + ID_HEX_CHARS);
        if (key.charAt(PREFIX.length() + ID_HEX_CHARS) != '_') {
            return Optional.empty();
        }
        String secret = key.substring(PREFIX.length() + ID_HEX_CHARS + 1);
        try (Connection c = db.connect();
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT tenant_id, salt, key_hash FROM "
                                        + db.table("api_key")
                                        + " WHERE key_id = ? AND revoked_at IS NULL")) {
            st.setString(1, keyId);
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String tenant = rs.getString(1);
                if (!MessageDigest.isEqual(hash(rs.getBytes(2), secret), rs.getBytes(3))) {
                    return Optional.empty();
                }
                recent.put(key, new Remembered(tenant, now + CACHE_TTL.toNanos()));
                return Optional.of(tenant);
            }
        }
    }

    private static byte[] hash(byte[] salt, String secret) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
