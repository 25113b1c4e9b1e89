package p402.udfs.sql;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.flink.table.functions.ScalarFunction;

/**
 * {@code P402_CUSTOMER_ID(raw_id, tenant_secret)}: an opaque customer id, the lower-case hex of
 * HMAC-SHA-256 over the raw id's UTF-8 bytes keyed with the tenant's secret. Teams that must not
 * send raw ids compute it on their side (any HMAC library gives the same value) and the product
 * never sees the raw id; the same raw id always maps to the same customer.
 */
public class OpaqueCustomerId extends ScalarFunction {

    private static final long serialVersionUID = 1L;

    private static final String ALGORITHM = "HmacSHA256";

    public String eval(String rawId, String tenantSecret) {
        if (rawId == null || tenantSecret == null) {
            return null;
        }
        if (tenantSecret.isEmpty()) {
            throw new IllegalArgumentException("the tenant secret is empty");
        }
        return hmacHex(rawId, tenantSecret);
    }

    /** The value the function returns, for Java callers. */
    public static String hmacHex(String rawId, String tenantSecret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(tenantSecret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return HexFormat.of().formatHex(mac.doFinal(rawId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA-256 is part of every Java 17 runtime", e);
        }
    }
}
