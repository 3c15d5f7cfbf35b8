package org.carbonledger.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
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
    return JacksonSerializer.builder().objectMapper(objectMapper()).build();
  }
}
