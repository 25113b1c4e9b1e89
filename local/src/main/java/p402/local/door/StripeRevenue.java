package p402.local.door;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a verified Stripe event means for revenue.
 *
 * <ul>
 *   <li>{@code invoice.paid}, {@code invoice.payment_succeeded}, and {@code invoice.updated} when
 *       its {@code previous_attributes} show the move to paid: one revenue event per invoice line,
 *       earned over the line's period (a line whose period is an instant is earned when the invoice
 *       was paid). Revenue is what the lines sold, not {@code amount_paid}: an invoice settled from
 *       the customer's credit balance (or Stripe's test sample, {@code paid: true} with {@code
 *       amount_paid: 0}) still earned its lines. Tax is not revenue and is not on the lines.
 *   <li>{@code charge.refunded}: each refund listed on the charge as negative revenue, earned when
 *       it was made. Newer API versions list no refunds on the charge; then the increase of {@code
 *       amount_refunded} is one refund.
 *   <li>{@code charge.refund.updated}, {@code refund.updated}, {@code refund.failed} with the
 *       refund {@code failed} or {@code canceled}: the refund's negative revenue reversed by
 *       exactly the dollars it was counted as.
 *   <li>{@code credit_note.created}: negative revenue of the credit note's subtotal less its
 *       discount and less what it refunded (that arrives as {@code charge.refunded}); {@code
 *       credit_note.voided} reverses it.
 *   <li>Everything else is acknowledged and ignored: revenue comes from invoices, not from
 *       subscriptions or payment intents.
 * </ul>
 *
 * The customer is {@code metadata.p402_customer_id} of the invoice, charge or credit note when set,
 * else the Stripe customer id. {@code metadata.p402_feature_id} on a line (or the charge) makes
 * that revenue the feature's.
 */
final class StripeRevenue {

    private static final Logger LOG = LoggerFactory.getLogger(StripeRevenue.class);

    static final String SOURCE = "stripe";

    /** What a refund was counted as, for reversing it. */
    record CountedRefund(
            String refundId,
            String chargeId,
            String customerId,
            String featureId,
            BigDecimal amountUsd,
            String revenueEventId) {}

    /** Finds a refund counted earlier. */
    interface Refunds {
        Optional<CountedRefund> find(String tenantId, String refundId) throws SQLException;
    }

    sealed interface Translation permits Revenue, Ignored, Refused {}

    record Revenue(List<RevenueDraft> events, List<CountedRefund> refunds, String note)
            implements Translation {}

    record Ignored(String reason) implements Translation {}

    /** The event is about revenue, but cannot be counted: nothing is published or recorded. */
    record Refused(String reason) implements Translation {}

    private final UsdRates rates;
    private final Refunds refunds;

    StripeRevenue(UsdRates rates, Refunds refunds) {
        this.rates = rates;
        this.refunds = refunds;
    }

    Translation translate(String tenantId, JsonNode event) throws SQLException {
        String type = event.path("type").asText("");
        JsonNode object = event.path("data").path("object");
        Instant created = seconds(event.get("created"));
        if (!object.isObject() || created == null) {
            return new Refused("not a Stripe event: no data.object or no created time");
        }
        try {
            switch (type) {
                case "invoice.paid":
                case "invoice.payment_succeeded":
                    return invoice(tenantId, object, created);
                case "invoice.updated":
                    if (becamePaid(object, event.path("data").path("previous_attributes"))) {
                        return invoice(tenantId, object, created);
                    }
                    return new Ignored("invoice.updated without a move to paid");
                case "charge.refunded":
                    return chargeRefunded(
                            tenantId,
                            object,
                            event.path("data").path("previous_attributes"),
                            created);
                case "charge.refund.updated":
                case "refund.updated":
                case "refund.failed":
                    return refundFailed(tenantId, object, created);
                case "credit_note.created":
                    return creditNote(tenantId, object, false);
                case "credit_note.voided":
                    return creditNote(tenantId, object, true);
                default:
                    return new Ignored(type + " carries no revenue P402 counts");
            }
        } catch (UsdRates.NoRate e) {
            return new Refused(e.getMessage());
        } catch (BadAmount e) {
            return new Refused(e.getMessage());
        }
    }

    private Translation invoice(String tenantId, JsonNode invoice, Instant created)
            throws UsdRates.NoRate, BadAmount {
        String invoiceId = invoice.path("id").asText(null);
        String customer = customerOf(invoice);
        if (invoiceId == null || customer == null) {
            return new Refused("the invoice has no id or no customer");
        }
        Instant paidAt = seconds(invoice.path("status_transitions").get("paid_at"));
        Instant occurred = paidAt != null ? paidAt : created;
        String invoiceCurrency = invoice.path("currency").asText(null);

        JsonNode lines = invoice.path("lines");
        List<RevenueDraft> events = new ArrayList<>();
        for (JsonNode line : lines.path("data")) {
            String lineId = line.path("id").asText(null);
            if (lineId == null) {
                return new Refused("a line of invoice " + invoiceId + " has no id");
            }
            BigDecimal usd =
                    rates.fromMinorUnits(
                            minorUnits(line.get("amount"), "line amount"),
                            line.path("currency").asText(invoiceCurrency));
            Instant start = seconds(line.path("period").get("start"));
            Instant end = seconds(line.path("period").get("end"));
            boolean period = start != null && end != null && end.isAfter(start);
            events.add(
                    new RevenueDraft(
                            tenantId,
                            "stripe:" + invoiceId + ":" + lineId,
                            customer,
                            text(line.path("metadata").get("p402_feature_id")),
                            occurred,
                            usd,
                            period ? start : null,
                            period ? end : null,
                            "invoice",
                            SOURCE));
        }
        if (events.isEmpty()) {
            return new Ignored("invoice " + invoiceId + " has no lines");
        }
        String note = null;
        if (lines.path("has_more").asBoolean(false)) {
            // Limitation: the event carries the first page of lines only; the rest would have to
            // be fetched from Stripe's API, which the door does not call.
            LOG.warn(
                    "Invoice {} of tenant {} has more lines than its event carries; only {}"
                            + " counted",
                    invoiceId,
                    tenantId,
                    events.size());
            note = "only the " + events.size() + " lines in the event were counted";
        }
        return new Revenue(events, List.of(), note);
    }

    private static boolean becamePaid(JsonNode invoice, JsonNode previous) {
        boolean paidNow =
                "paid".equals(invoice.path("status").asText())
                        || invoice.path("paid").asBoolean(false);
        boolean unpaidBefore =
                (previous.has("status") && !"paid".equals(previous.path("status").asText()))
                        || (previous.has("paid") && !previous.path("paid").asBoolean(true));
        return paidNow && unpaidBefore;
    }

    private Translation chargeRefunded(
            String tenantId, JsonNode charge, JsonNode previous, Instant created)
            throws UsdRates.NoRate, BadAmount {
        String chargeId = charge.path("id").asText(null);
        String customer = customerOf(charge);
        if (chargeId == null || customer == null) {
            return new Refused(
                    "the charge has no id, or no customer and no metadata.p402_customer_id");
        }
        String feature = text(charge.path("metadata").get("p402_feature_id"));
        String chargeCurrency = charge.path("currency").asText(null);

        List<RevenueDraft> events = new ArrayList<>();
        List<CountedRefund> counted = new ArrayList<>();
        JsonNode listed = charge.path("refunds").path("data");
        if (listed.isArray() && !listed.isEmpty()) {
            for (JsonNode refund : listed) {
                String status = refund.path("status").asText("");
                String refundId = refund.path("id").asText(null);
                if (refundId == null || !(status.equals("succeeded") || status.equals("pending"))) {
                    continue;
                }
                BigDecimal usd =
                        rates.fromMinorUnits(
                                minorUnits(refund.get("amount"), "refund amount"),
                                refund.path("currency").asText(chargeCurrency));
                Instant at = seconds(refund.get("created"), created);
                String eventId = "stripe:" + refundId;
                events.add(draft(tenantId, eventId, customer, feature, at, usd.negate(), "refund"));
                counted.add(new CountedRefund(refundId, chargeId, customer, feature, usd, eventId));
            }
        } else {
            long refunded = minorUnits(charge.get("amount_refunded"), "amount_refunded");
            long before =
                    previous.has("amount_refunded")
                            ? minorUnits(previous.get("amount_refunded"), "amount_refunded")
                            : 0;
            if (refunded > before) {
                BigDecimal usd = rates.fromMinorUnits(refunded - before, chargeCurrency);
                // Limitation: without the refund's own id it cannot be reversed if it fails.
                events.add(
                        draft(
                                tenantId,
                                "stripe:" + chargeId + ":refunded-to:" + refunded,
                                customer,
                                feature,
                                created,
                                usd.negate(),
                                "refund"));
            }
        }
        if (events.isEmpty()) {
            return new Ignored("charge " + chargeId + " lists no refund to count");
        }
        return new Revenue(events, counted, null);
    }

    private Translation refundFailed(String tenantId, JsonNode refund, Instant created)
            throws SQLException {
        String status = refund.path("status").asText("");
        String refundId = refund.path("id").asText("");
        if (!status.equals("failed") && !status.equals("canceled")) {
            return new Ignored("refund " + refundId + " is " + status + ", nothing to reverse");
        }
        Optional<CountedRefund> counted = refunds.find(tenantId, refundId);
        if (counted.isEmpty()) {
            // Limitation: a failure delivered before its charge.refunded (Stripe does not order
            // deliveries) finds nothing to reverse here.
            return new Ignored(
                    "refund "
                            + refundId
                            + " was never counted as negative revenue, nothing to reverse");
        }
        CountedRefund r = counted.get();
        RevenueDraft reversal =
                draft(
                        tenantId,
                        r.revenueEventId() + ":reversed",
                        r.customerId(),
                        r.featureId(),
                        created,
                        r.amountUsd(),
                        "refund_reversal");
        return new Revenue(List.of(reversal), List.of(), null);
    }

    private Translation creditNote(String tenantId, JsonNode note, boolean voided)
            throws UsdRates.NoRate, BadAmount {
        String noteId = note.path("id").asText(null);
        String customer = customerOf(note);
        Instant at = seconds(note.get("created"));
        if (noteId == null || customer == null || at == null) {
            return new Refused("the credit note has no id, customer or created time");
        }
        JsonNode subtotal =
                note.has("subtotal_excluding_tax") && !note.get("subtotal_excluding_tax").isNull()
                        ? note.get("subtotal_excluding_tax")
                        : note.has("subtotal") ? note.get("subtotal") : note.get("amount");
        long credited = minorUnits(subtotal, "credit note subtotal");
        if (note.has("discount_amount") && !note.get("discount_amount").isNull()) {
            credited -= minorUnits(note.get("discount_amount"), "discount_amount");
        }
        if ("post_payment".equals(note.path("type").asText())) {
            // The refunded part arrives as charge.refunded and is counted there.
            credited -= refundedBy(note);
        }
        if (credited <= 0) {
            return new Ignored("credit note " + noteId + " credits nothing beyond its refunds");
        }
        BigDecimal usd = rates.fromMinorUnits(credited, note.path("currency").asText(null));
        String eventId = "stripe:" + noteId + (voided ? ":voided" : "");
        return new Revenue(
                List.of(
                        draft(
                                tenantId,
                                eventId,
                                customer,
                                null,
                                voided ? seconds(note.get("voided_at"), at) : at,
                                voided ? usd : usd.negate(),
                                voided ? "credit_note_voided" : "credit_note")),
                List.of(),
                null);
    }

    private static long refundedBy(JsonNode note) throws BadAmount {
        long refunded = 0;
        for (JsonNode r : note.path("refunds")) {
            refunded += minorUnits(r.get("amount_refunded"), "credit note refund");
        }
        JsonNode old = note.path("refund");
        if (refunded == 0 && old.isObject()) {
            refunded = minorUnits(old.get("amount"), "credit note refund");
        }
        return refunded;
    }

    private static RevenueDraft draft(
            String tenantId,
            String eventId,
            String customer,
            String feature,
            Instant at,
            BigDecimal usd,
            String kind) {
        return new RevenueDraft(
                tenantId, eventId, customer, feature, at, usd, null, null, kind, SOURCE);
    }

    /** {@code metadata.p402_customer_id}, else the Stripe customer (an id, or an expanded one). */
    private static String customerOf(JsonNode object) {
        String tagged = text(object.path("metadata").get("p402_customer_id"));
        if (tagged != null) {
            return tagged;
        }
        JsonNode c = object.get("customer");
        if (c != null && c.isObject()) {
            c = c.get("id");
        }
        return text(c);
    }

    private static String text(JsonNode n) {
        return n != null && n.isTextual() && !n.textValue().isBlank() ? n.textValue() : null;
    }

    private static Instant seconds(JsonNode n) {
        return n != null && n.isIntegralNumber() ? Instant.ofEpochSecond(n.longValue()) : null;
    }

    private static Instant seconds(JsonNode n, Instant otherwise) {
        Instant i = seconds(n);
        return i == null ? otherwise : i;
    }

    private static long minorUnits(JsonNode n, String what) throws BadAmount {
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new BadAmount(what + " is not a whole number of minor units");
        }
        return n.longValue();
    }

    /** An amount that is not what Stripe sends: whole minor units. */
    static final class BadAmount extends Exception {
        private static final long serialVersionUID = 1L;

        BadAmount(String reason) {
            super(reason, null, false, false);
        }
    }
}
