package p402.local.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Who sends how much: the heavy-tailed traffic shares of the heaviest clients of one production
 * model in ServeGen (Alibaba Cloud Model Studio, {@code client_summary.csv}, model {@code
 * m-large}), renormalised to sum to 1. Also the reasoning share of output tokens ServeGen measured
 * for deepseek-r1.
 */
public final class CustomerShares {

    /** The ServeGen summary, relative to the shared data folder. */
    public static final String SUMMARY = "servegen-per-client/client_summary.csv";

    public static final String MODEL = "m-large";

    /** How many of the model's clients become customers: the heaviest ones. */
    public static final int CUSTOMERS = 40;

    /**
     * {@code share_of_model_requests} of m-large's 40 heaviest clients, heaviest first, as read
     * from {@code client_summary.csv} (they hold 90.5% of the model's requests).
     */
    static final String[][] BUILT_IN = {
        {"61", "0.160466"}, {"142", "0.071695"}, {"148", "0.066367"}, {"112", "0.066356"},
        {"143", "0.062731"}, {"73", "0.054058"}, {"104", "0.053857"}, {"34", "0.044428"},
        {"78", "0.026493"}, {"21", "0.025793"}, {"20", "0.023325"}, {"116", "0.021612"},
        {"91", "0.020396"}, {"147", "0.014403"}, {"66", "0.01395"}, {"7", "0.012065"},
        {"157", "0.011973"}, {"100", "0.011681"}, {"41", "0.011088"}, {"44", "0.010203"},
        {"120", "0.00964"}, {"82", "0.009257"}, {"123", "0.008988"}, {"12", "0.007536"},
        {"72", "0.007244"}, {"57", "0.00718"}, {"56", "0.006814"}, {"15", "0.006495"},
        {"140", "0.006429"}, {"110", "0.005739"}, {"50", "0.005511"}, {"156", "0.005251"},
        {"28", "0.005156"}, {"48", "0.005071"}, {"137", "0.004983"}, {"153", "0.004772"},
        {"17", "0.004259"}, {"83", "0.004116"}, {"37", "0.003837"}, {"89", "0.003685"}
    };

    /**
     * Reasoning tokens as a share of all output tokens of deepseek-r1 in ServeGen: the mean of its
     * clients' {@code mean_reason_ratio}, weighted by their {@code mean_rate_rps}.
     */
    public static final double BUILT_IN_REASON_RATIO = 0.7018;

    /** One ServeGen client: its id and its share of the model's requests. */
    public record Client(String clientId, double share) {}

    private final List<Client> clients;
    private final double reasonRatio;
    private final String source;

    private CustomerShares(List<Client> clients, double reasonRatio, String source) {
        this.clients = clients;
        this.reasonRatio = reasonRatio;
        this.source = source;
    }

    public static CustomerShares builtIn() {
        List<Client> clients = new ArrayList<>();
        for (String[] c : BUILT_IN) {
            clients.add(new Client(c[0], Double.parseDouble(c[1])));
        }
        return new CustomerShares(
                normalised(clients), BUILT_IN_REASON_RATIO, "built-in (ServeGen m-large top 40)");
    }

    /** Reads {@code client_summary.csv}. */
    public static CustomerShares read(Path summary) throws IOException {
        List<String> lines = Files.readAllLines(summary, StandardCharsets.UTF_8);
        if (lines.isEmpty()) {
            throw new IOException(summary + " is empty");
        }
        List<String> header = Arrays.asList(lines.get(0).strip().split(","));
        int model = column(header, "model", summary);
        int client = column(header, "client_id", summary);
        int share = column(header, "share_of_model_requests", summary);
        int rate = column(header, "mean_rate_rps", summary);
        int reason = column(header, "mean_reason_ratio", summary);

        List<Client> all = new ArrayList<>();
        double weighted = 0;
        double weights = 0;
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",", -1);
            if (f[model].equals(MODEL)) {
                all.add(new Client(f[client], Double.parseDouble(f[share])));
            }
            if (f[model].equals("deepseek-r1") && !f[reason].isEmpty()) {
                double r = Double.parseDouble(f[rate]);
                weighted += r * Double.parseDouble(f[reason]);
                weights += r;
            }
        }
        all.sort(Comparator.comparingDouble(Client::share).reversed());
        if (all.size() < CUSTOMERS || weights == 0) {
            throw new IOException(summary + ": fewer than " + CUSTOMERS + " " + MODEL + " clients");
        }
        return new CustomerShares(
                normalised(all.subList(0, CUSTOMERS)), weighted / weights, summary.toString());
    }

    private static int column(List<String> header, String name, Path file) throws IOException {
        int i = header.indexOf(name);
        if (i < 0) {
            throw new IOException(file + ": no column " + name);
        }
        return i;
    }

    private static List<Client> normalised(List<Client> clients) {
        double sum = 0;
        for (Client c : clients) {
            sum += c.share();
        }
        List<Client> out = new ArrayList<>();
        for (Client c : clients) {
            out.add(new Client(c.clientId(), c.share() / sum));
        }
        return List.copyOf(out);
    }

    /** Heaviest first; shares sum to 1. */
    public List<Client> clients() {
        return clients;
    }

    public double reasonRatio() {
        return reasonRatio;
    }

    public String source() {
        return source;
    }
}
