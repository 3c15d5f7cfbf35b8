package org.carbonledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * Rows copied into PostgreSQL read back exactly as the same rows inserted with bound parameters,
 * whatever their text holds.
 */
class BulkInsertPostgresIT {

  private static final List<String> COLUMNS =
      List.of("id", "label", "amount", "small", "day", "at", "note");

  private static DataSource dataSource;
  private static JdbcTemplate jdbc;

  @BeforeAll
  static void tables() {
    dataSource = ProjectionHarness.migratedSchema("bulk_insert");
    jdbc = new JdbcTemplate(dataSource);
    for (String table : List.of("copied", "inserted")) {
      jdbc.execute(
          "CREATE TABLE "
              + table
              + " (id BIGINT PRIMARY KEY, label VARCHAR NOT NULL, amount BIGINT, small INTEGER,"
              + " day DATE, at TIMESTAMP WITH TIME ZONE, note VARCHAR)");
    }
  }

  @Test
  void copiedRowsReadBackAsRowsInsertedWithParametersDo() {
    List<Object[]> rows = new ArrayList<>();
    String[] awkward = {
      "plain",
      "tab\there",
      "new\nline",
      "carriage\rreturn",
      "back\\slash \\N \\t",
      "碳普惠 · 武汉马拉松",
      "outside the BMP: 𠀀 🌳",
      "",
      "\\",
      "'quoted' \"twice\", with commas"
    };
    for (int i = 0; i < awkward.length; i++) {
      rows.add(
          new Object[] {
            (long) i,
            awkward[i],
            i % 2 == 0 ? Long.MAX_VALUE - i : null,
            i % 3 == 0 ? null : Integer.MIN_VALUE + i,
            i % 4 == 0 ? null : LocalDate.of(1, 1, 1).plusYears(i * 999L),
            i % 5 == 0
                ? null
                : ProjectionSql.timestamp(
                    Instant.parse("2026-11-21T18:10:00Z").plusNanos(i * 1_001_000L)),
            i % 2 == 0 ? "\\N" : null
          });
    }

    assertThat(BulkInsert.text(rows)).as("every row has COPY text: COPY is used").isNotNull();
    BulkInsert.into(jdbc, "copied", COLUMNS, rows, 1);
    jdbc.batchUpdate("INSERT INTO inserted VALUES (?, ?, ?, ?, ?, ?, ?)", rows);

    assertThat(table("copied")).hasSize(awkward.length).isEqualTo(table("inserted"));
  }

  @Test
  void timesAndDaysOfEveryEraReadBackAsInsertedOnes() {
    List<Instant> instants =
        new ArrayList<>(
            List.of(
                Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z"),
                Instant.parse("1969-12-31T23:59:59.999999Z"),
                Instant.parse("1970-01-01T00:00:00Z"),
                Instant.parse("2024-02-29T12:00:00.000001Z"),
                Instant.parse("2026-11-21T18:10:00.1Z")));
    Random random = new Random(20261121);
    long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
    long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 500; i++) {
      instants.add(
          Instant.ofEpochSecond(
              first + (long) (random.nextDouble() * (last - first)),
              random.nextInt(1_000_000) * 1_000L));
    }
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < instants.size(); i++) {
      OffsetDateTime at = ProjectionSql.timestamp(instants.get(i));
      rows.add(new Object[] {2_000L + i, "at " + i, null, null, at.toLocalDate(), at, null});
    }

    assertThat(BulkInsert.text(rows)).as("COPY is used").isNotNull();
    BulkInsert.into(jdbc, "copied", COLUMNS, rows, 1);
    jdbc.batchUpdate("INSERT INTO inserted VALUES (?, ?, ?, ?, ?, ?, ?)", rows);

    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM copied c JOIN inserted i USING (id)"
                    + " WHERE id >= 2000 AND c.at = i.at AND c.day = i.day",
                Long.class))
        .isEqualTo(instants.size());
  }

  @Test
  void aProcessorBatchesWorthOfRowsIsStoredWhole() {
    List<Object[]> rows = new ArrayList<>();
    for (long id = 1_000; id < 1_000 + 4 * BulkInsert.COPY_FROM_ROWS; id++) {
      rows.add(
          new Object[] {id, "row " + id, id * 7, null, LocalDate.of(2026, 11, 21), null, null});
    }

    BulkInsert.into(jdbc, "copied", COLUMNS, rows);

    assertThat(
            jdbc.queryForObject(
                "SELECT count(*) FROM copied WHERE id >= 1000 AND amount = id * 7"
                    + " AND label = 'row ' || id AND day = DATE '2026-11-21'",
                Long.class))
        .isEqualTo(rows.size());
  }

  @Test
  void rowsWhoseTextSpansManyChunksAreStoredWholeAndExactly() {
    // About half a megabyte of COPY text, sent in chunks of 64 kB: every row, with its multi-byte
    // characters
    // and escapes, must arrive whole whatever chunk it falls in.
    List<Object[]> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    for (long id = 50_000; id < 55_000; id++) {
      String label = "武汉马拉松\t碳中和 \\ row " + id + "\n" + "x".repeat((int) (id % 150));
      labels.add(label);
      rows.add(new Object[] {id, label, id, null, null, null, null});
    }

    BulkInsert.into(jdbc, "copied", COLUMNS, rows);

    assertThat(BulkInsert.text(rows).length()).isGreaterThan(5 * 64 * 1_024);
    assertThat(
            jdbc.queryForList(
                "SELECT label FROM copied WHERE id >= 50000 AND id < 55000 ORDER BY id",
                String.class))
        .isEqualTo(labels);
  }

  @Test
  void valuesCopyHasNoTextForAreInsertedWithParameters() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {100L, "far future", null, null, LocalDate.of(12026, 1, 1), null, null});
    rows.add(new Object[] {101L, "a short", null, (short) 7, null, null, null});
    rows.add(
        new Object[] {
          102L,
          "finer than a microsecond",
          null,
          null,
          null,
          OffsetDateTime.parse("2026-11-21T18:10:00.0000005Z"),
          null
        });
    for (Object[] row : rows) {
      assertThat(BulkInsert.text(List.<Object[]>of(row))).isNull();
    }
    BulkInsert.into(jdbc, "copied", COLUMNS, rows, 1);

    assertThat(
            jdbc.queryForList(
                "SELECT coalesce(day::text, '') || '/' || coalesce(small::text, '') FROM copied"
                    + " WHERE id BETWEEN 100 AND 199 ORDER BY id",
                String.class))
        .containsExactly("12026-01-01/", "/7", "/");
    assertThat(
            jdbc.queryForObject(
                "SELECT extract(microseconds FROM at) FROM copied WHERE id = 102", Long.class))
        .as("rounded by the driver, as any insert")
        .isEqualTo(1L);
  }

  @Test
  void aRowTheDatabaseRefusesFailsTheWholeCopy() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {200L, "first", null, null, null, null, null});
    rows.add(new Object[] {200L, "same key", null, null, null, null, null});

    assertThatThrownBy(() -> BulkInsert.into(jdbc, "copied", COLUMNS, rows, 1))
        .isInstanceOf(DataAccessException.class);
    assertThat(jdbc.queryForObject("SELECT count(*) FROM copied WHERE id = 200", Long.class))
        .isZero();
  }

  @Test
  void aCopyStoppedWhileItsTextIsWrittenLeavesItsConnectionUsable() throws Exception {
    List<Object[]> rows = new ArrayList<>();
    for (long id = 70_000; id < 73_000; id++) {
      rows.add(new Object[] {id, "row " + id + " " + "y".repeat(100), id, null, null, null, null});
    }
    // Read whole twice before the COPY opens (the rows' lengths, then whether every value is
    // copyable); fails part-way through the third reading, the COPY's, after a chunk has gone.
    List<Object[]> failing =
        new AbstractList<>() {
          private int reads;

          @Override
          public Object[] get(int index) {
            if (++reads == 2 * rows.size() + 2_500) {
              throw new OutOfMemoryError("simulated while writing COPY text");
            }
            return rows.get(index);
          }

          @Override
          public int size() {
            return rows.size();
          }
        };
    try (Connection connection = dataSource.getConnection()) {
      JdbcTemplate one = new JdbcTemplate(new SingleConnectionDataSource(connection, true));

      assertThatThrownBy(() -> BulkInsert.into(one, "copied", COLUMNS, failing))
          .isInstanceOf(OutOfMemoryError.class);
      // Without the COPY ended, the driver would wait for it before running this, forever.
      assertThat(
              assertTimeoutPreemptively(
                  Duration.ofSeconds(10),
                  () ->
                      one.queryForObject(
                          "SELECT count(*) FROM copied WHERE id >= 70000 AND id < 73000",
                          Long.class)))
          .isZero();
    }
  }

  private static List<String> table(String name) {
    return jdbc.queryForList(
        "SELECT concat_ws('|', id, label, coalesce(amount::text, 'null'),"
            + " coalesce(small::text, 'null'), coalesce(day::text, 'null'),"
            + " coalesce(extract(epoch FROM at)::text, 'null'), coalesce(note, 'null'))"
            + " FROM "
            + name
            + " WHERE id < 100 ORDER BY id",
        String.class);
  }
}
