package p402.local.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import p402.local.EventKind;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.CostQuote;
import p402.udfs.cost.UsageNormalizer;

/** The replayer without the stack: determinism, consistent usage, times and revenue by hand. */
class ReplayTrafficTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-03-02T09:00:00Z");

    @Test
    void theSameSeedGivesTheSameRecordsByteForByte() {
        List<TraceRequest> trace = BuiltinTrace.generate(7, 1_500);
        ReplayTraffic.Replay a = ReplayTraffic.generate(trace, CustomerShares.builtIn(), 7, START);
        ReplayTraffic.Replay b = ReplayTraffic.generate(trace, CustomerShares.builtIn(), 7, START);
        ReplayTraffic.Replay other =
                ReplayTraffic.generate(trace, CustomerShares.builtIn(), 8, START);

        assertThat(a.records()).isEqualTo(b.records());
        assertThat(other.records()).isNotEqualTo(a.records());
    }

    @Test
    void everyUsageObjectPricesLikeTheBucketsTheGeneratorMeant() throws Exception {
        ReplayTraffic.Replay replay =
                ReplayTraffic.generate(
                        BuiltinTrace.generate(3, 3_000), CustomerShares.builtIn(), 3, START);
        CostEngine engine = CostEngine.builtIn();
        List<ExpectedLedger.Call> calls = replay.expected().calls();
        int checked = 0;
        for (ReplayedRecord r : replay.records()) {
            if (r.kind() != EventKind.CALL || r.callIndex() < 0) {
                continue;
            }
            ExpectedLedger.Call expected = calls.get(r.callIndex());
            JsonNode call = JSON.readTree(r.json());
            JsonNode holder = call.has("response") ? call.get("response") : call;
            JsonNode usage =
                    holder.has("usage") ? holder.get("usage") : holder.get("usageMetadata");
            // The job's path: the provider's usage object, normalised, then priced.
            CostQuote quote =
                    engine.quote(
                            call.get("provider").asText(),
                            expected.model(),
                            UsageNormalizer.normalize(call.get("provider").asText(), usage),
                            null,
                            expected.occurredAt());
            if (expected.costSource().equals("computed")) {
                assertThat(quote.costUsd).isEqualByComparingTo(expected.costUsd());
            } else if (expected.costSource().equals("provided")) {
                assertThat(new BigDecimal(call.get("cost_usd").asText()))
                        .isEqualByComparingTo(expected.costUsd())
                        .isEqualByComparingTo(
                                quote.costUsd.setScale(6, java.math.RoundingMode.HALF_UP));
            } else {
                assertThat(quote.isPriced()).isFalse();
            }
            checked++;
        }
        assertThat(checked).isEqualTo(calls.size());
    }

    @Test
    void arrivalGapsAreKeptToTheMillisecond() {
        // 18:17:04.0319600 - 18:17:03.9799600 = 52 ms, 18:17:04.0781490 - 18:17:03.9799600 =
        // 98.189 ms, by hand.
        long t0 = AzureTrace.epochNanos("2023-11-16 18:17:03.9799600");
        assertThat(AzureTrace.epochNanos("2023-11-16 18:17:04.0319600") - t0)
                .isEqualTo(52_000_000L);
        assertThat(AzureTrace.epochNanos("2023-11-16 18:17:04.0781490") - t0)
                .isEqualTo(98_189_000L);

        List<TraceRequest> trace =
                List.of(
                        new TraceRequest(0, 4808, 10),
                        new TraceRequest(52_000_000L, 3180, 8),
                        new TraceRequest(98_189_000L, 110, 27));
        ReplayTraffic.Replay replay =
                ReplayTraffic.generate(trace, CustomerShares.builtIn(), 1, START);
        List<Long> times =
                replay.records().stream()
                        .filter(r -> r.kind() == EventKind.CALL && r.callIndex() >= 0)
                        .map(ReplayedRecord::eventTimeMillis)
                        .toList();
        long start = START.toEpochMilli();
        assertThat(times).isSubsetOf(start, start + 52, start + 98);
    }

    @Test
    void builtInQuantilesAreInterpolatedLinearly() {
        // At P = 0.5 the table says 1,469 context tokens; halfway to P = 0.525 (1,585): 1,527.
        assertThat(BuiltinTrace.draw(BuiltinTrace.CONTEXT_TOKENS, 0.5)).isEqualTo(1469);
        assertThat(BuiltinTrace.draw(BuiltinTrace.CONTEXT_TOKENS, 0.5125)).isEqualTo(1527);
        assertThat(BuiltinTrace.draw(BuiltinTrace.GENERATED_TOKENS, 0.9999)).isBetween(825L, 1899L);
    }

    @Test
    void revenueInTilingWindowsIsEarnedProRataAndRoundedOncePerWindow() {
        // $300 over 30 days from 09:00, frontier 10:05, one-hour windows: 300 / 720 =
        // 0.416666666667 for 09:00-10:00 and 300 * 5 / 43,200 = 0.034722222222 for 10:00-11:00;
        // a -$5.00 refund at 09:30 lands whole; a call's own $0.25 is added as is.
        ExpectedLedger e = new ExpectedLedger();
        long start = START.toEpochMilli();
        long hour = 3_600_000L;
        e.revenue.add(
                new ExpectedLedger.Revenue(
                        "t", "c", "", start, new BigDecimal("300"), start, start + 720 * hour));
        e.revenue.add(
                new ExpectedLedger.Revenue(
                        "t", "c", "", start + hour / 2, new BigDecimal("-5.00"), -1, -1));
        e.calls.add(
                new ExpectedLedger.Call(
                        "t",
                        "c",
                        "api",
                        "",
                        "m",
                        start,
                        BigDecimal.ONE,
                        "computed",
                        new BigDecimal("0.25")));
        e.sawEventTime(start + hour + 5 * 60_000L);

        assertThat(e.revenueInTilingWindows(hour))
                .isEqualByComparingTo(
                        new BigDecimal("0.416666666667")
                                .add(new BigDecimal("-5.00"))
                                .add(new BigDecimal("0.034722222222"))
                                .add(new BigDecimal("0.25")));
    }
}
