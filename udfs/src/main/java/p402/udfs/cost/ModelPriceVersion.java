package p402.udfs.cost;

import java.util.Objects;

/** A price version together with the model it prices, as an importer hands it to a book. */
public final class ModelPriceVersion {

    private final String provider;
    private final String model;
    private final PriceVersion version;

    public ModelPriceVersion(String provider, String model, PriceVersion version) {
        this.provider = ModelIds.provider(Objects.requireNonNull(provider, "provider"));
        this.model = ModelIds.model(this.provider, Objects.requireNonNull(model, "model"));
        this.version = Objects.requireNonNull(version, "version");
    }

    public String provider() {
        return provider;
    }

    public String model() {
        return model;
    }

    /** {@code provider/model}, the key a book files the version under. */
    public String key() {
        return ModelIds.key(provider, model);
    }

    public PriceVersion version() {
        return version;
    }

    @Override
    public String toString() {
        return key() + " " + version;
    }
}
