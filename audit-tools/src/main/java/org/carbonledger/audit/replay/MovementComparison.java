package org.carbonledger.audit.replay;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.carbonledger.audit.replay.BatchChange.Claim;
import org.carbonledger.audit.replay.BatchChange.Issued;
import org.carbonledger.audit.replay.BatchChange.Moved;
import org.carbonledger.audit.replay.CreditReplay.Applied;
import org.carbonledger.audit.verify.Finding;

/**
 * Compares the two tables that record every movement, {@code account_movement} and {@code
 * retirement_register} (docs/spec/04-projections.md §4.2.7 and §4.2.8), with the movements the
 * replay applies: a row an event should have given but the table lacks, a row the table has but no
 * event gives, and a row whose values differ.
 *
 * <p>Unlike supply and holdings, these rows are not state the replay keeps: there is one for every
 * movement, so they grow with the ledger, and neither the table nor the replay's rows are ever held
 * whole. The comparison runs one batch at a time, as the replay does: {@link #start} names the
 * batch, {@link #expect} is called for each of its events that the projections had handled, and
 * {@link #finish} ends it. Both tables are read through cursors over that batch's rows ({@code
 * WHERE batch_id = ?}) in global position order and compared merge-style: each event's rows (at
 * most two) are compared with the table's rows at its position. Memory holds one event's rows, and
 * the rows no event has claimed yet, which are findings.
 *
 * <p>A table row whose position the cursor passes without an event claiming it is kept until the
 * batch's comparison ends ({@link #finish}), not reported at once: in a store the ledger wrote, a
 * stream's sequence order (in which the replay sees its events) is also its global order, but in
 * one whose sequence numbers were rewritten an event can come after a higher position, and it still
 * claims its rows. So which rows are missing or unexpected depends on the positions alone, never on
 * the order of the events.
 *
 * <p>{@code account_movement} is read ordered by position alone, not by its key: its rows of one
 * position (at most two, one per account, for a sound table) are matched to the event's by account
 * in Java, so the database's collation of account ids does not matter. Rows of batch ids that no
 * event stream has are found at the end by one anti-join per table ({@link
 * #compareBatchesWithoutEvents}).
 */
final class MovementComparison implements AutoCloseable {

  static final String ACCOUNT_MOVEMENT = "account_movement";
  static final String RETIREMENT_REGISTER = "retirement_register";

  /** Rows read from each table. */
  record Rows(long movements, long retirements) {}

  private static final DateTimeFormatter LABEL_DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private static final String MOVEMENT_COLUMNS =
      "SELECT account_id, global_position, batch_id, movement_kind, movement_id, quantity,"
          + " counterparty_account_id, serial_blocks, occurred_at, event_identifier"
          + " FROM account_movement";

  private static final String RETIREMENT_COLUMNS =
      "SELECT global_position, batch_id, retirement_id, project_id, vintage_start, vintage_end,"
          + " account_id, quantity, serial_blocks, serial_numbers, beneficiary, reason, details,"
          + " purpose, consumption_period_start, consumption_period_end, jurisdiction_of_use,"
          + " footprint_id, retired_at, event_identifier FROM retirement_register";

  /** Why a row that no event of its batch claimed is unexpected. */
  private static final String UNCLAIMED = "no event the projections had handled gives it";

  private final Connection connection;
  private final Consumer<Finding> findings;
  private final Table<Movement> movements;
  private final Table<Retirement> register;

  MovementComparison(Connection connection, Consumer<Finding> findings) {
    this.connection = connection;
    this.findings = findings;
    // The index account_movement_batch (batch_id, global_position) finds the batch's rows in this
    // order; the database may still prefer to fetch them by bitmap and sort that one batch's rows.
    this.movements =
        new Table<>(
            connection,
            ACCOUNT_MOVEMENT,
            MOVEMENT_COLUMNS + " WHERE batch_id = ? ORDER BY global_position",
            MovementComparison::movement);
    // The unique key (batch_id, retirement_id) finds the batch's rows; the database sorts them by
    // position (docs/spec/04-projections.md §4.4).
    this.register =
        new Table<>(
            connection,
            RETIREMENT_REGISTER,
            RETIREMENT_COLUMNS + " WHERE batch_id = ? ORDER BY global_position",
            MovementComparison::retirement);
  }

  Rows rows() {
    return new Rows(movements.read, register.read);
  }

  /** Starts the comparison of one batch's rows; the previous batch must be finished. */
  void start(String batchId) {
    movements.start(batchId);
    register.start(batchId);
  }

  /**
   * Compares the rows at one position the projections had handled with what its event gives.
   *
   * @param position the event's global position; an event of the batch that {@link #start} named
   * @param applied what the replay made of the event; null when it could not apply it, so that the
   *     event gives no row
   */
  void expect(long position, Applied applied) throws SQLException {
    List<Movement> moves = new ArrayList<>(2);
    Retirement retirement = null;
    if (applied != null) {
      if (applied.change() instanceof Issued) {
        moves.add(issuance(applied));
      } else {
        Moved moved = (Moved) applied.change();
        switch (moved.kind()) {
          case TRANSFER -> {
            moves.add(
                moved(applied, moved, moved.accountId(), "TRANSFER_OUT", moved.toAccountId()));
            moves.add(moved(applied, moved, moved.toAccountId(), "TRANSFER_IN", moved.accountId()));
          }
          case RETIREMENT -> {
            moves.add(moved(applied, moved, moved.accountId(), "RETIREMENT", null));
            retirement = retirement(applied, moved);
          }
          case CANCELLATION ->
              moves.add(moved(applied, moved, moved.accountId(), "CANCELLATION", null));
        }
      }
    }
    merge(movements, position, moves);
    merge(register, position, retirement == null ? List.of() : List.of(retirement));
  }

  /**
   * Ends the batch's comparison: every row of it that no event claimed is unexpected, in position
   * order, those of {@code account_movement} first; then the cursors are closed.
   */
  void finish() throws SQLException {
    drain(movements);
    drain(register);
  }

  /**
   * Reports every row of a batch id that has no event stream, which no batch's comparison read, in
   * position order: those of {@code account_movement} first.
   */
  void compareBatchesWithoutEvents() throws SQLException {
    orphans(
        ACCOUNT_MOVEMENT,
        MOVEMENT_COLUMNS
            + ProjectionComparison.withoutEventStream(ACCOUNT_MOVEMENT)
            + " ORDER BY t.global_position",
        MovementComparison::movement,
        movements);
    orphans(
        RETIREMENT_REGISTER,
        RETIREMENT_COLUMNS
            + ProjectionComparison.withoutEventStream(RETIREMENT_REGISTER)
            + " ORDER BY t.global_position",
        MovementComparison::retirement,
        register);
  }

  private <R extends Row<R>> void orphans(String name, String sql, Reader<R> reader, Table<R> table)
      throws SQLException {
    try (PreparedStatement query = connection.prepareStatement(sql)) {
      query.setFetchSize(ProjectionCheck.FETCH_SIZE);
      try (ResultSet rows = query.executeQuery()) {
        while (rows.next()) {
          table.read++;
          unexpected(name, reader.read(rows), UNCLAIMED);
        }
      }
    }
  }

  @Override
  public void close() throws SQLException {
    try {
      movements.close();
    } finally {
      register.close();
    }
  }

  // --- the merge ------------------------------------------------------------------------------

  /** A row of one of the two tables, from the table or from the replay. */
  private interface Row<R extends Row<R>> {

    long position();

    String batchId();

    /** Whether the two rows have the same key; they are at the same position. */
    boolean sameKey(R other);

    /** The row's key, as findings name it. */
    String key();

    /** What the row records, in a few words. */
    String describe();

    /** Each column in which this row, the table's, differs from the replay's. */
    List<String> differences(R replay);
  }

  /**
   * Sets the table's rows before {@code position} aside as unclaimed, then matches its rows at
   * {@code position} (also those set aside earlier, when the event comes after a higher position)
   * with {@code expected}: a match is compared column by column, a row without one is unexpected,
   * and an expected row the table lacks is missing.
   */
  private <R extends Row<R>> void merge(Table<R> table, long position, List<R> expected)
      throws SQLException {
    R row;
    while ((row = table.current()) != null && row.position() < position) {
      table.setAside(row);
      table.next();
    }
    List<R> found = table.takeAside(position);
    while ((row = table.current()) != null && row.position() == position) {
      found.add(row);
      table.next();
    }
    // The database returns the rows of one position in no defined order; sorted by key in Java,
    // their findings come in the same order on every database.
    found.sort(Comparator.comparing(R::key));
    boolean[] matched = new boolean[expected.size()];
    for (R tableRow : found) {
      int match = -1;
      for (int i = 0; i < expected.size() && match < 0; i++) {
        if (tableRow.sameKey(expected.get(i))) {
          match = i;
        }
      }
      if (match < 0) {
        unexpected(
            table.name,
            tableRow,
            expected.isEmpty()
                ? "the event at global position " + position + " gives no row of this table"
                : "the event at global position "
                    + position
                    + " gives only "
                    + expected.stream().map(Row::key).collect(Collectors.joining(" and ")));
      } else if (matched[match]) {
        unexpected(
            table.name, tableRow, "the replay has that row once, and the table already had it");
      } else {
        matched[match] = true;
        List<String> differences = tableRow.differences(expected.get(match));
        if (!differences.isEmpty()) {
          findings.accept(
              ProjectionComparison.finding(
                  ProjectionCheck.PROJECTION_ROW_DIFFERS,
                  expected.get(match).batchId(),
                  table.name,
                  tableRow.key(),
                  "the table differs from the replay: " + String.join("; ", differences)));
        }
      }
    }
    for (int i = 0; i < expected.size(); i++) {
      if (!matched[i]) {
        R missing = expected.get(i);
        findings.accept(
            ProjectionComparison.finding(
                ProjectionCheck.PROJECTION_ROW_MISSING,
                missing.batchId(),
                table.name,
                missing.key(),
                "the replay has " + missing.describe() + " but the table has no such row"));
      }
    }
  }

  /**
   * Reports the batch's rows that no event claimed as unexpected: those set aside, then those the
   * cursor has not reached (all at higher positions), and closes the cursor.
   */
  private <R extends Row<R>> void drain(Table<R> table) throws SQLException {
    for (List<R> rows : table.aside.values()) {
      for (R row : rows) {
        unexpected(table.name, row, UNCLAIMED);
      }
    }
    table.aside.clear();
    R row;
    while ((row = table.current()) != null) {
      unexpected(table.name, row, UNCLAIMED);
      table.next();
    }
    table.closeBatch();
  }

  private void unexpected(String table, Row<?> row, String why) {
    findings.accept(
        ProjectionComparison.finding(
            ProjectionCheck.PROJECTION_ROW_UNEXPECTED,
            row.batchId(),
            table,
            row.key(),
            "the table has " + row.describe() + " but " + why));
  }

  /** Reads a row of the current result set. */
  private interface Reader<R> {
    R read(ResultSet row) throws SQLException;
  }

  /**
   * One table's rows of one batch, read through a cursor in global position order. The statement is
   * prepared once and run again for every batch; its cursor is opened at the batch's first look,
   * inside the check's transaction, beside the cursor over the events.
   */
  private static final class Table<R extends Row<R>> {
    final String name;
    private final Connection connection;
    private final String sql;
    private final Reader<R> reader;

    /** The batch's rows the cursor passed that no event has claimed yet, by position. */
    final TreeMap<Long, List<R>> aside = new TreeMap<>();

    private PreparedStatement query;
    private String batchId;
    private ResultSet rows;
    private R current;
    private boolean ended;
    long read;

    Table(Connection connection, String name, String sql, Reader<R> reader) {
      this.connection = connection;
      this.name = name;
      this.sql = sql;
      this.reader = reader;
    }

    /** Makes the next cursor read this batch's rows. */
    void start(String batchId) {
      this.batchId = batchId;
      this.current = null;
      this.ended = false;
    }

    /** The batch's row not compared yet with the lowest position, or null after the last. */
    R current() throws SQLException {
      if (current == null && !ended) {
        if (rows == null) {
          if (query == null) {
            query = connection.prepareStatement(sql);
            query.setFetchSize(ProjectionCheck.FETCH_SIZE);
          }
          query.setString(1, batchId);
          rows = query.executeQuery();
        }
        if (rows.next()) {
          current = reader.read(rows);
          read++;
        } else {
          ended = true;
          closeCursor();
        }
      }
      return current;
    }

    /** Moves past the current row. */
    void next() {
      current = null;
    }

    void setAside(R row) {
      aside.computeIfAbsent(row.position(), p -> new ArrayList<>(2)).add(row);
    }

    /** The rows set aside at a position, no longer set aside; a list the caller may add to. */
    List<R> takeAside(long position) {
      List<R> taken = aside.remove(position);
      return taken == null ? new ArrayList<>(2) : taken;
    }

    private void closeCursor() throws SQLException {
      try {
        if (rows != null) {
          rows.close();
        }
      } finally {
        rows = null;
      }
    }

    /** Closes the batch's cursor (the statement stays prepared for the next batch). */
    void closeBatch() throws SQLException {
      current = null;
      ended = true;
      closeCursor();
    }

    void close() throws SQLException {
      try (PreparedStatement closing = query) {
        closeCursor();
      } finally {
        query = null;
      }
    }
  }

  // --- account_movement -----------------------------------------------------------------------

  /** A row of {@code account_movement}. */
  private record Movement(
      String accountId,
      long position,
      String batchId,
      String kind,
      String movementId,
      long quantity,
      String counterpartyAccountId,
      String serialBlocks,
      Instant occurredAt,
      String eventIdentifier)
      implements Row<Movement> {

    @Override
    public boolean sameKey(Movement other) {
      return accountId.equals(other.accountId);
    }

    @Override
    public String key() {
      return "account_id=" + accountId + ", global_position=" + position;
    }

    @Override
    public String describe() {
      return kind
          + " "
          + movementId
          + " of "
          + quantity
          + " credits "
          + serialBlocks
          + " of batch "
          + batchId
          + " for "
          + accountId;
    }

    @Override
    public List<String> differences(Movement replay) {
      List<String> differences = new ArrayList<>();
      ProjectionComparison.differ(differences, "batch_id", batchId, replay.batchId);
      ProjectionComparison.differ(differences, "movement_kind", kind, replay.kind);
      ProjectionComparison.differ(differences, "movement_id", movementId, replay.movementId);
      ProjectionComparison.differ(differences, "quantity", quantity, replay.quantity);
      ProjectionComparison.differ(
          differences,
          "counterparty_account_id",
          counterpartyAccountId,
          replay.counterpartyAccountId);
      ProjectionComparison.differ(differences, "serial_blocks", serialBlocks, replay.serialBlocks);
      ProjectionComparison.differ(differences, "occurred_at", occurredAt, replay.occurredAt);
      ProjectionComparison.differ(
          differences, "event_identifier", eventIdentifier, replay.eventIdentifier);
      return differences;
    }
  }

  private static Movement movement(ResultSet row) throws SQLException {
    return new Movement(
        row.getString(1),
        row.getLong(2),
        row.getString(3),
        row.getString(4),
        row.getString(5),
        row.getLong(6),
        row.getString(7),
        row.getString(8),
        instant(row, 9),
        row.getString(10));
  }

  /** {@code ISSUANCE}: the issued block, to the account the batch was issued to. */
  private static Movement issuance(Applied applied) {
    BatchState batch = applied.batch();
    Issued issued = batch.issued;
    return new Movement(
        issued.accountId(),
        applied.event().globalIndex(),
        issued.batchId(),
        "ISSUANCE",
        issued.batchId(),
        batch.issuedCount(),
        null,
        issued.serials().toString(),
        applied.at(),
        applied.event().eventIdentifier());
  }

  /** One account's row of a transfer, retirement or cancellation. */
  private static Movement moved(
      Applied applied, Moved moved, String accountId, String kind, String counterpartyAccountId) {
    return new Movement(
        accountId,
        applied.event().globalIndex(),
        moved.batchId(),
        kind,
        moved.movementId(),
        moved.quantity(),
        counterpartyAccountId,
        CreditReplay.blocks(moved.blocks()),
        applied.at(),
        applied.event().eventIdentifier());
  }

  // --- retirement_register --------------------------------------------------------------------

  /** A row of {@code retirement_register}. */
  private record Retirement(
      long position,
      String batchId,
      String retirementId,
      String projectId,
      LocalDate vintageStart,
      LocalDate vintageEnd,
      String accountId,
      long quantity,
      String serialBlocks,
      String serialNumbers,
      String beneficiary,
      String reason,
      String details,
      String purpose,
      LocalDate consumptionPeriodStart,
      LocalDate consumptionPeriodEnd,
      String jurisdictionOfUse,
      String footprintId,
      Instant retiredAt,
      String eventIdentifier)
      implements Row<Retirement> {

    @Override
    public boolean sameKey(Retirement other) {
      return true; // One row per position.
    }

    @Override
    public String key() {
      return "global_position=" + position;
    }

    @Override
    public String describe() {
      return "retirement "
          + retirementId
          + " of "
          + quantity
          + " credits "
          + serialBlocks
          + " of batch "
          + batchId
          + " from "
          + accountId
          + " for "
          + beneficiary;
    }

    @Override
    public List<String> differences(Retirement replay) {
      List<String> differences = new ArrayList<>();
      ProjectionComparison.differ(differences, "batch_id", batchId, replay.batchId);
      ProjectionComparison.differ(differences, "retirement_id", retirementId, replay.retirementId);
      ProjectionComparison.differ(differences, "project_id", projectId, replay.projectId);
      ProjectionComparison.differ(differences, "vintage_start", vintageStart, replay.vintageStart);
      ProjectionComparison.differ(differences, "vintage_end", vintageEnd, replay.vintageEnd);
      ProjectionComparison.differ(differences, "account_id", accountId, replay.accountId);
      ProjectionComparison.differ(differences, "quantity", quantity, replay.quantity);
      ProjectionComparison.differ(differences, "serial_blocks", serialBlocks, replay.serialBlocks);
      ProjectionComparison.differ(
          differences, "serial_numbers", serialNumbers, replay.serialNumbers);
      ProjectionComparison.differ(differences, "beneficiary", beneficiary, replay.beneficiary);
      ProjectionComparison.differ(differences, "reason", reason, replay.reason);
      ProjectionComparison.differ(differences, "details", details, replay.details);
      ProjectionComparison.differ(differences, "purpose", purpose, replay.purpose);
      ProjectionComparison.differ(
          differences,
          "consumption_period_start",
          consumptionPeriodStart,
          replay.consumptionPeriodStart);
      ProjectionComparison.differ(
          differences, "consumption_period_end", consumptionPeriodEnd, replay.consumptionPeriodEnd);
      ProjectionComparison.differ(
          differences, "jurisdiction_of_use", jurisdictionOfUse, replay.jurisdictionOfUse);
      ProjectionComparison.differ(differences, "footprint_id", footprintId, replay.footprintId);
      ProjectionComparison.differ(differences, "retired_at", retiredAt, replay.retiredAt);
      ProjectionComparison.differ(
          differences, "event_identifier", eventIdentifier, replay.eventIdentifier);
      return differences;
    }
  }

  private static Retirement retirement(ResultSet row) throws SQLException {
    return new Retirement(
        row.getLong(1),
        row.getString(2),
        row.getString(3),
        row.getString(4),
        row.getObject(5, LocalDate.class),
        row.getObject(6, LocalDate.class),
        row.getString(7),
        row.getLong(8),
        row.getString(9),
        row.getString(10),
        row.getString(11),
        row.getString(12),
        row.getString(13),
        row.getString(14),
        row.getObject(15, LocalDate.class),
        row.getObject(16, LocalDate.class),
        row.getString(17),
        row.getString(18),
        instant(row, 19),
        row.getString(20));
  }

  /**
   * The register's row of a retirement: the event's claim, and the project, vintage and labels of
   * its batch as {@code BatchIssued} states them.
   */
  private static Retirement retirement(Applied applied, Moved moved) {
    Issued batch = applied.batch().issued;
    Claim claim = moved.claim();
    List<String> labels = new ArrayList<>(moved.blocks().size());
    for (SerialRange block : moved.blocks()) {
      labels.add(label(batch, block));
    }
    return new Retirement(
        applied.event().globalIndex(),
        moved.batchId(),
        moved.movementId(),
        batch.projectId(),
        batch.vintageStart(),
        batch.vintageEnd(),
        moved.accountId(),
        moved.quantity(),
        CreditReplay.blocks(moved.blocks()),
        String.join(",", labels),
        claim.beneficiary(),
        claim.reason(),
        claim.details(),
        claim.purpose(),
        claim.consumptionPeriodStart(),
        claim.consumptionPeriodEnd(),
        claim.jurisdictionOfUse(),
        claim.footprintId(),
        applied.at(),
        applied.event().eventIdentifier());
  }

  /**
   * A block's serial number label, {@code PREFIX-PROJECT-VINTAGESTART-VINTAGEEND-BATCH-FIRST-LAST}
   * (docs/spec/02-serial-numbers.md §2.1).
   */
  static String label(Issued batch, SerialRange block) {
    return batch.serialPrefix()
        + "-"
        + batch.projectId()
        + "-"
        + LABEL_DAY.format(batch.vintageStart())
        + "-"
        + LABEL_DAY.format(batch.vintageEnd())
        + "-"
        + batch.batchSequence()
        + "-"
        + block.first()
        + "-"
        + block.last();
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    OffsetDateTime value = row.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }
}
