package p402.local.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A synthetic stand-in for the Azure code trace, for machines without {@code ../shared}: arrival
 * gaps, context tokens and generated tokens are drawn independently from quantile tables measured
 * on {@code AzureLLMInferenceTrace_code.csv} (8,819 rows; see docs/demo.md for how). Between two
 * tabulated quantiles the value is interpolated linearly.
 *
 * <p>The marginal distributions match the real trace; what is lost is the correlation between
 * neighbouring requests (bursts of similar requests), since each draw is independent.
 */
public final class BuiltinTrace {

    /** As many requests as the real code trace has. */
    public static final int REQUESTS = 8_819;

    /** The cumulative probabilities the tables below are given at. */
    static final double[] P = {
        0.0, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.225, 0.25, 0.275, 0.3, 0.325,
        0.35, 0.375, 0.4, 0.425, 0.45, 0.475, 0.5, 0.525, 0.55, 0.575, 0.6, 0.625, 0.65, 0.675,
        0.7, 0.725, 0.75, 0.775, 0.8, 0.825, 0.85, 0.875, 0.9, 0.925, 0.95, 0.975, 0.99, 0.995,
        0.999, 1.0
    };

    /** Gap between consecutive arrivals, microseconds. */
    static final long[] GAP_MICROS = {
        6, 52, 88, 141, 209, 683, 885, 1022, 1184, 1672, 2077, 2624, 3292, 4119, 5344, 7497, 15104,
        27225, 38217, 50992, 63798, 77394, 89557, 92980, 94990, 96530, 97944, 99120, 100130, 101491,
        103996, 122850, 160069, 192966, 198832, 203882, 272856, 302229, 400776, 674055, 2205070,
        9978331, 79232503, 217168952
    };

    static final long[] CONTEXT_TOKENS = {
        3, 44, 75, 102, 147, 185, 232, 299, 386, 484, 578, 679, 770, 863, 939, 1016, 1075, 1153,
        1261, 1370, 1469, 1585, 1690, 1798, 1909, 2048, 2164, 2305, 2433, 2578, 2744, 2942, 3192,
        3538, 3920, 4434, 5188, 6097, 7303, 7435, 7436, 7436, 7437, 7437
    };

    static final long[] GENERATED_TOKENS = {
        6, 6, 6, 6, 7, 7, 7, 8, 8, 9, 9, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 16, 16,
        18, 19, 20, 22, 24, 26, 29, 33, 39, 46, 55, 69, 90, 145, 251, 359, 825, 1899
    };

    private BuiltinTrace() {}

    /** {@code count} requests (all of {@link #REQUESTS} when {@code count <= 0}). */
    public static List<TraceRequest> generate(long seed, int count) {
        int n = count <= 0 ? REQUESTS : count;
        // A stream of its own, so the rest of the replay draws the same for either trace source.
        SplittableRandom random = new SplittableRandom(seed ^ 0x7A7E_A2E5_0000_0001L);
        List<TraceRequest> requests = new ArrayList<>(n);
        long at = 0;
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                at += draw(GAP_MICROS, random.nextDouble()) * 1_000L;
            }
            long context = draw(CONTEXT_TOKENS, random.nextDouble());
            long generated = draw(GENERATED_TOKENS, random.nextDouble());
            requests.add(new TraceRequest(at, context, generated));
        }
        return requests;
    }

    /** The inverse of the tabulated distribution at {@code u} in [0, 1). */
    static long draw(long[] table, double u) {
        int i = 0;
        while (i + 2 < P.length && P[i + 1] <= u) {
            i++;
        }
        double f = (u - P[i]) / (P[i + 1] - P[i]);
        return Math.round(table[i] + f * (table[i + 1] - table[i]));
    }
}
