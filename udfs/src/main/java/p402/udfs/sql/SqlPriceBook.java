package p402.udfs.sql;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import p402.udfs.cost.CostEngine;
import p402.udfs.cost.PriceBook;
import p402.udfs.cost.PriceUpdates;

/** The price book a SQL function prices with: the built-in one, plus a file when one is named. */
final class SqlPriceBook {

    private static final Logger LOG = LoggerFactory.getLogger(SqlPriceBook.class);

    /** As the job's {@code prices.effective-from} default: a LiteLLM map applies from the start. */
    private static final Instant LITELLM_EFFECTIVE_FROM = Instant.parse("2000-01-01T00:00:00Z");

    private SqlPriceBook() {}

    static CostEngine engine(String pricesFile) throws IOException {
        if (pricesFile == null || pricesFile.isBlank()) {
            return CostEngine.builtIn();
        }
        PriceUpdates.Applied applied =
                PriceUpdates.applyFile(
                        PriceBook.builtIn(), Path.of(pricesFile), LITELLM_EFFECTIVE_FROM);
        // As in the job: a version 100 times off its neighbour is refused, the rest is used.
        for (String refused : applied.refused()) {
            LOG.warn("Prices from {}: refused {}", pricesFile, refused);
        }
        return CostEngine.of(applied.book());
    }
}
