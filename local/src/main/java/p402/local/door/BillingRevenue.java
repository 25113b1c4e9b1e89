package p402.local.door;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import p402.jobs.parse.BadRecordException;
import p402.jobs.parse.EventTimes;
import p402.jobs.parse.Money;

/**
 * The generic billing webhook's form (docs/ingest.md), for a company's own billing system or a CRM:
 * one JSON object per payment, refund or credit, or an array of them.
 *
 * <pre>{@code
 * {"id": "inv-2026-0042", "customer_id": "acme", "amount": "99.00", "currency": "USD",
 *  "occurred_at": "2026-11-01T00:00:00Z",
 *  "service_period": {"start": "2026-11-01T00:00:00Z", "end": "2026-12-01T00:00:00Z"},
 *  "feature_id": "chat", "kind": "subscription"}
 * }</pre>
 *
 * {@code amount} is signed, in major units (a refund or credit is negative), read exactly as
 * written; {@code currency} is required. {@code id} is the sender's own id: the revenue event is
 * {@code billing:<id>}, and a repeated id is answered as a duplicate.
 */
final class BillingRevenue {

    static final String SOURCE = "billing";

    /** An item that cannot be counted, with the field at fault. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;
        final String field;

        Refused(String field, String reason) {
            super(reason, null, false, false);
            this.field = field;
        }
    }

    private final UsdRates rates;

    BillingRevenue(UsdRates rates) {
        this.rates = rates;
    }

    RevenueDraft translate(String tenantId, JsonNode item) throws Refused {
        if (!item.isObject()) {
            throw new Refused(null, "not a JSON object");
        }
        String id = required(item, "id");
        String customer = required(item, "customer_id");
        String currency = required(item, "currency");
        try {
            BigDecimal amount = Money.parseRequired(item.get("amount"), "amount");
            Instant occurred =
                    Instant.ofEpochMilli(EventTimes.parse(item.get("occurred_at"), "occurred_at"));
            Instant start = null;
            Instant end = null;
            JsonNode period = item.get("service_period");
            if (period != null && !period.isNull()) {
                start =
                        Instant.ofEpochMilli(
                                EventTimes.parse(period.get("start"), "service_period.start"));
                end =
                        Instant.ofEpochMilli(
                                EventTimes.parse(period.get("end"), "service_period.end"));
                if (!end.isAfter(start)) {
                    throw new Refused("service_period", "end is not after start");
                }
            }
            BigDecimal usd;
            try {
                usd = rates.toUsd(amount, currency);
            } catch (UsdRates.NoRate e) {
                throw new Refused("currency", e.getMessage());
            }
            return new RevenueDraft(
                    tenantId,
                    "billing:" + id,
                    customer,
                    optional(item, "feature_id"),
                    occurred,
                    usd,
                    start,
                    end,
                    optional(item, "kind"),
                    SOURCE);
        } catch (BadRecordException e) {
            String reason = e.getMessage();
            int colon = reason.indexOf(": ");
            throw new Refused(colon > 0 ? reason.substring(0, colon) : null, reason);
        }
    }

    private static String required(JsonNode item, String field) throws Refused {
        String v = optional(item, field);
        if (v == null) {
            throw new Refused(field, "missing required field " + field);
        }
        return v;
    }

    private static String optional(JsonNode item, String field) throws Refused {
        JsonNode v = item.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new Refused(field, field + ": expected a string");
        }
        return v.textValue().isBlank() ? null : v.textValue();
    }
}
