package org.carbonledger.api.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.MetaData;
import org.carbonledger.api.security.Caller;
import org.carbonledger.auditlog.AuditMetadata;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

/**
 * Sends a write's command to the ledger on behalf of a caller: with the caller as the actor and the
 * Idempotency-Key recorded in the signed events, exactly once per key, and answering with the
 * position of the resulting events so that a later read can wait for the projections to reach it.
 */
public final class LedgerWrites {

  /** The response header with the event store position a write reached. */
  public static final String POSITION_HEADER = "Ledger-Position";

  /** Set on a response that repeats the result of an earlier request with the same key. */
  public static final String REPLAYED_HEADER = "Idempotent-Replayed";

  private static final Pattern KEY = Pattern.compile("[\\x21-\\x7e]{1,255}");

  private final CommandGateway commands;
  private final IdempotencyRecords records;
  private final ObjectMapper json;

  public LedgerWrites(CommandGateway commands, IdempotencyRecords records, ObjectMapper json) {
    this.commands = commands;
    this.records = records;
    this.json = json;
  }

  /**
   * A write to perform.
   *
   * @param request the request body as received, which with the method and path identifies the
   *     request for idempotency
   * @param command the command to send
   * @param result what the response needs that only this write knows, such as a new movement's id;
   *     null to use what the command handler returns
   * @param response builds the response body from the result and the position; it must depend on
   *     nothing else, so that a replay answers exactly as the original did
   */
  public record Write<T>(
      Object request,
      Object command,
      String result,
      HttpStatus status,
      BiFunction<String, Long, T> response) {}

  public <T> ResponseEntity<T> execute(Caller caller, String idempotencyKey, Write<T> write) {
    if (idempotencyKey == null) {
      Sent sent = send(write.command(), metaData(caller, null, null, null));
      return respond(
          write,
          resultOf(write, sent.returned()),
          sent.position() >= 0 ? sent.position() : records.latestPosition(),
          false);
    }
    if (!KEY.matcher(idempotencyKey).matches()) {
      throw new ApiException(
          ApiProblem.MALFORMED_REQUEST,
          "Idempotency-Key",
          "an Idempotency-Key is 1 to 255 visible ASCII characters");
    }
    byte[] hash = fingerprint(write.request());
    Optional<ResponseEntity<T>> earlier = replay(caller, idempotencyKey, hash, write);
    if (earlier.isPresent()) {
      return earlier.get();
    }
    Sent sent;
    try {
      sent = send(write.command(), metaData(caller, idempotencyKey, hash, write.result()));
    } catch (RuntimeException e) {
      // Another request with the same key may have won a race: its events are stored and this
      // request's were rolled back, whether the collision was on the idempotency record or on
      // the aggregate itself (two creations of one account). Its record is then the answer.
      Optional<ResponseEntity<T>> winner = replay(caller, idempotencyKey, hash, write);
      if (winner.isPresent()) {
        return winner.get();
      }
      throw e;
    }
    if (sent.position() >= 0) {
      // The record committed with exactly this result and position.
      return respond(write, resultOf(write, sent.returned()), sent.position(), false);
    }
    IdempotencyRecords.Completed completed =
        records
            .find(caller.clientId(), idempotencyKey)
            .orElseThrow(
                () -> new IllegalStateException("the write's idempotency record is missing"));
    return respond(write, completed.result(), completed.position(), false);
  }

  private <T> Optional<ResponseEntity<T>> replay(
      Caller caller, String idempotencyKey, byte[] hash, Write<T> write) {
    return records
        .find(caller.clientId(), idempotencyKey)
        .map(
            completed -> {
              if (!Arrays.equals(completed.requestHash(), hash)) {
                throw new ApiException(
                    ApiProblem.IDEMPOTENCY_KEY_REUSED,
                    "Idempotency-Key",
                    "this Idempotency-Key was used before with a different request");
              }
              return respond(write, completed.result(), completed.position(), true);
            });
  }

  private static <T> ResponseEntity<T> respond(
      Write<T> write, String result, long position, boolean replayed) {
    var response =
        ResponseEntity.status(write.status()).header(POSITION_HEADER, Long.toString(position));
    if (replayed) {
      response.header(REPLAYED_HEADER, "true");
    }
    return response.body(write.response().apply(result, position));
  }

  private static MetaData metaData(
      Caller caller, String idempotencyKey, byte[] hash, String result) {
    Map<String, Object> entries = new HashMap<>();
    entries.put(AuditMetadata.ACTOR, caller.actor());
    if (idempotencyKey != null) {
      entries.put(AuditMetadata.IDEMPOTENCY_KEY, idempotencyKey);
      entries.put(LedgerWriteInterceptor.CLIENT, caller.clientId());
      entries.put(LedgerWriteInterceptor.REQUEST_HASH, HexFormat.of().formatHex(hash));
      if (result != null) {
        entries.put(LedgerWriteInterceptor.RESULT, result);
      }
    }
    return MetaData.from(entries);
  }

  /** SHA-256 of the method, the path and the request body as the API read it. */
  private byte[] fingerprint(Object request) {
    var attributes = (ServletRequestAttributes) RequestContextHolder.currentRequestAttributes();
    var http = attributes.getRequest();
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      sha256.update(
          (http.getMethod() + " " + http.getRequestURI() + "\n").getBytes(StandardCharsets.UTF_8));
      sha256.update(json.writeValueAsBytes(request));
      return sha256.digest();
    } catch (NoSuchAlgorithmException | JsonProcessingException e) {
      throw new IllegalStateException("cannot fingerprint the request", e);
    }
  }

  /** What the command handler returned, and the position its transaction reached, or -1. */
  private record Sent(Object returned, long position) {}

  /**
   * Sends a command and waits for it, learning its position from its own transaction ({@link
   * LedgerWriteInterceptor}), whichever thread the command bus runs it on.
   */
  private Sent send(Object command, MetaData metaData) {
    CommandMessage<?> message =
        GenericCommandMessage.asCommandMessage(command).andMetaData(metaData);
    long[] position = LedgerWriteInterceptor.awaitPosition(message.getIdentifier());
    try {
      Object returned = commands.sendAndWait(message);
      return new Sent(returned, position[0]);
    } finally {
      LedgerWriteInterceptor.stopAwaiting(message.getIdentifier());
    }
  }

  /** The result the response names: the write's own, or what the command handler returned. */
  private static String resultOf(Write<?> write, Object returned) {
    if (write.result() != null) {
      return write.result();
    }
    return returned == null ? null : returned.toString();
  }
}
