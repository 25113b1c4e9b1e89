package p402.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import p402.jobs.alerts.Alert;
import p402.jobs.alerts.AlertInput;
import p402.jobs.alerts.AlertSubject;
import p402.jobs.alerts.MonthSpend;
import p402.jobs.alerts.OpenEpisodes;
import p402.jobs.alerts.WindowTotals;
import p402.jobs.events.CallEvent;
import p402.jobs.events.DeadLetter;
import p402.jobs.events.Envelope;
import p402.jobs.events.MarginInput;
import p402.jobs.events.Measures;
import p402.jobs.events.OutcomeEvent;
import p402.jobs.events.PaneCell;
import p402.jobs.events.PaneGroup;
import p402.jobs.events.PriceDocument;
import p402.jobs.events.RevenueEvent;
import p402.jobs.sink.CallLedgerRow;
import p402.jobs.sink.DuplicateDelivery;
import p402.jobs.sink.MarginRow;
import p402.jobs.sink.OutcomeLedgerRow;
import p402.jobs.sink.RevenueLedgerRow;

/**
 * Every type that flows between operators or sits in state is a Flink POJO all the way down, so its
 * serializer is Flink's own and its schema can evolve; none falls back to Kryo, which the job
 * forbids ({@code pipeline.generic-types: false}) and which would fail it at runtime.
 */
class SerializationTest {

    /** The classes under guard; a new record type belongs here. */
    @ParameterizedTest
    @ValueSource(
            classes = {
                Envelope.class,
                CallEvent.class,
                RevenueEvent.class,
                OutcomeEvent.class,
                DeadLetter.class,
                PriceDocument.class,
                MarginInput.class,
                Measures.class,
                PaneCell.class,
                PaneGroup.class,
                MarginRow.class,
                CallLedgerRow.class,
                OutcomeLedgerRow.class,
                RevenueLedgerRow.class,
                DuplicateDelivery.class,
                Alert.class,
                AlertSubject.class,
                AlertInput.class,
                WindowTotals.class,
                OpenEpisodes.class,
                MonthSpend.class
            })
    void isAPojoWithoutKryoAndRoundTrips(Class<?> type) throws Exception {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).as(type.getName()).isInstanceOf(PojoTypeInfo.class);
        assertThat(genericFields(info, type.getSimpleName()))
                .as("fields that would go to Kryo")
                .isEmpty();

        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        // Throws "Generic types have been disabled" if anything in the tree is generic.
        roundTrip(info.createSerializer(config), type);
    }

    private static List<String> genericFields(TypeInformation<?> info, String path) {
        List<String> found = new ArrayList<>();
        if (info instanceof GenericTypeInfo) {
            found.add(path + ": " + info);
        } else if (info instanceof PojoTypeInfo<?> pojo) {
            for (int i = 0; i < pojo.getArity(); i++) {
                found.addAll(
                        genericFields(
                                pojo.getPojoFieldAt(i).getTypeInformation(),
                                path + "." + pojo.getPojoFieldAt(i).getField().getName()));
            }
        } else if (info instanceof ObjectArrayTypeInfo<?, ?> array) {
            found.addAll(genericFields(array.getComponentInfo(), path + "[]"));
        } else if (info instanceof CompositeType<?> composite) {
            for (int i = 0; i < composite.getArity(); i++) {
                found.addAll(genericFields(composite.getTypeAt(i), path + "." + i));
            }
        }
        return found;
    }

    @SuppressWarnings("unchecked")
    private static <T> void roundTrip(TypeSerializer<T> serializer, Class<?> type)
            throws Exception {
        T original = (T) filled(type, 1);

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(original, out);
        T back = serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
        assertThat(back).isNotSameAs(original);
        assertThat(back).usingRecursiveComparison().isEqualTo(original);

        assertThat(serializer.copy(original)).usingRecursiveComparison().isEqualTo(original);
        TypeSerializer<T> duplicate = serializer.duplicate();
        assertThat(duplicate.deserialize(new DataInputDeserializer(out.getCopyOfBuffer())))
                .usingRecursiveComparison()
                .isEqualTo(original);
    }

    /**
     * An instance with every public field set to a value that is not its default, nested objects
     * and arrays included, so a field the serializer drops shows up in the comparison.
     */
    private static Object filled(Class<?> type, int seed) throws Exception {
        Object o = type.getConstructor().newInstance();
        int n = seed;
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod)
                        || Modifier.isTransient(mod)
                        || !Modifier.isPublic(mod)) {
                    continue;
                }
                f.set(o, value(f.getType(), f.getName(), ++n));
            }
        }
        return o;
    }

    private static Object value(Class<?> t, String name, int n) throws Exception {
        if (t == String.class) {
            return name + "-" + n;
        } else if (t == long.class || t == Long.class) {
            return 1_000_000_000_000L + n;
        } else if (t == int.class || t == Integer.class) {
            return n;
        } else if (t == boolean.class || t == Boolean.class) {
            return true;
        } else if (t == BigDecimal.class) {
            // Scale is part of the value: 1.500 must come back as 1.500.
            return new BigDecimal("0.000123" + n + "00");
        } else if (t == byte[].class) {
            return new byte[] {0, (byte) n, (byte) 0xff};
        } else if (t == String[].class) {
            return new String[] {name, "", "x" + n};
        } else if (t.isEnum()) {
            Object[] constants = t.getEnumConstants();
            return constants[n % constants.length];
        } else if (t.isArray()) {
            Object array = Array.newInstance(t.getComponentType(), 2);
            Array.set(array, 0, filled(t.getComponentType(), n * 10));
            Array.set(array, 1, filled(t.getComponentType(), n * 20));
            return array;
        } else {
            return filled(t, n * 100);
        }
    }
}
