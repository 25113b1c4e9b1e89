package p402.local.door;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stripe's webhook signature scheme, which the generic billing webhook uses too: the header reads
 * {@code t=<unix seconds>,v1=<hex>[,v1=<hex>...]}, and each {@code v1} is an HMAC-SHA-256, keyed
 * with the endpoint secret, of {@code <t>.<raw body>}. Several {@code v1} values are allowed
 * (Stripe sends one per active secret while a secret is being rolled); one match suffices. Other
 * schemes ({@code v0}) are ignored. The timestamp must be within the tolerance of now, in either
 * direction, so a captured delivery cannot be replayed later.
 */
public final class SignedPayload {

    /** Stripe's own libraries default to five minutes. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

    /** Why a delivery was refused; the message is what the sender is told. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private SignedPayload() {}

    /** Returns when the header signs {@code body} with {@code secret} within the tolerance. */
    public static void verify(
            String header, byte[] body, String secret, Instant now, Duration tolerance)
            throws Refused {
        if (header == null || header.isBlank()) {
            throw new Refused("no signature header");
        }
        Long timestamp = null;
        List<String> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (name.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new Refused("the signature header's timestamp is not a number");
                }
            } else if (name.equals("v1")) {
                signatures.add(value);
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw new Refused("the signature header has no t= timestamp or no v1= signature");
        }

        byte[] expected = hmac(secret, timestamp, body);
        boolean matched = false;
        for (String s : signatures) {
            byte[] given;
            try {
                given = HexFormat.of().parseHex(s);
            } catch (IllegalArgumentException e) {
                continue;
            }
            // Every candidate is compared in constant time, and all of them are compared.
            matched |= MessageDigest.isEqual(expected, given);
        }
        if (!matched) {
            throw new Refused("no v1 signature matches the body and the tenant's secret");
        }

        long skew = Math.abs(now.getEpochSecond() - timestamp);
        if (skew > tolerance.toSeconds()) {
            throw new Refused(
                    "the signature's timestamp is "
                            + skew
                            + " s away from now, outside the "
                            + tolerance.toSeconds()
                            + " s tolerance");
        }
    }

    /** The header a sender would send for {@code body} at {@code timestamp}. */
    public static String header(byte[] body, String secret, long timestamp) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(hmac(secret, timestamp, body));
    }

    private static byte[] hmac(String secret, long timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is in every JDK", e);
        }
    }
}
