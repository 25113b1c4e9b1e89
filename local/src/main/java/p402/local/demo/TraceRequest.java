package p402.local.demo;

/**
 * One request of an LLM inference trace: when it arrived, relative to the trace's first request,
 * and its token counts as the serving system saw them.
 *
 * @param offsetNanos arrival time after the trace's first request, in nanoseconds (the Azure trace
 *     has 100 ns resolution, so inter-arrival gaps are kept exactly)
 * @param contextTokens prompt (input) tokens
 * @param generatedTokens generated (output) tokens
 */
public record TraceRequest(long offsetNanos, long contextTokens, long generatedTokens) {}
