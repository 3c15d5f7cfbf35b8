package org.carbonledger.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.axonframework.serialization.SerializedType;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * How events, commands and tokens are turned into bytes: JSON, with dates as ISO-8601 text.
 *
 * <p>This mapper belongs to the ledger, not to the web layer. Stored events are hashed and signed,
 * so their format must not change because someone tuned the JSON of the REST API; Spring Boot's
 * shared {@code ObjectMapper} would otherwise become Axon's serializer.
 */
public final class LedgerSerialization {

  private LedgerSerialization() {}

  public static ObjectMapper objectMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .build();
  }

  public static Serializer serializer() {
    return new ClassCachingSerializer(JacksonSerializer.builder().objectMapper(objectMapper()));
  }

  /**
   * Axon's Jackson serializer, remembering which class each stored type name stands for.
   *
   * <p>Axon asks Jackson's {@code TypeFactory} for the class of every payload and every metadata it
   * reads, which calls {@code Class.forName} each time: 6% of the projection thread's CPU in a
   * replay (docs/performance.md). Classes do not change while the JVM runs, and the names are the
   * few event, command and token types of the ledger, so the map stays small. A name that names no
   * class is remembered too, as Axon itself does.
   */
  private static final class ClassCachingSerializer extends JacksonSerializer {

    private final Map<String, Class<?>> classes = new ConcurrentHashMap<>();

    private ClassCachingSerializer(Builder builder) {
      super(builder);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Class classForType(SerializedType type) {
      Class<?> known = classes.get(type.getName());
      if (known == null) {
        known = super.classForType(type);
        classes.put(type.getName(), known);
      }
      return known;
    }
  }
}
