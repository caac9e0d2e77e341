package org.leancx.demand;

import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The reason taxonomy (conf/taxonomy/reasons.csv): each reason's need family, demand class (VALUE or FAILURE) and,
 * for failure reasons, the failure subtype. Small reference data, read on the driver and broadcast-joined.
 */
public record Taxonomy(List<Entry> entries) {
  /** The schema of {@link #toDataFrame}. */
  public static final StructType SCHEMA =
      new StructType()
          .add(required("reason", StringType, "Reason code"))
          .add(required("need_family", StringType, "Need family"))
          .add(required("demand_class", StringType, "VALUE or FAILURE"))
          .add(optional("failure_subtype", StringType, "Failure subtype of a FAILURE reason"));

  /** One reason of the taxonomy. */
  public record Entry(String reason, String needFamily, String demandClass, String failureSubtype) {
    public Entry {
      if (!demandClass.equals("VALUE") && !demandClass.equals("FAILURE")) {
        throw new IllegalArgumentException(
            "demand_class of reason " + reason + " is '" + demandClass + "': it must be VALUE or FAILURE.");
      }
      if (demandClass.equals("FAILURE") && (failureSubtype == null || failureSubtype.isBlank())) {
        throw new IllegalArgumentException(
            "Reason " + reason + " is FAILURE demand but has no failure_subtype: give one, e.g. progress_chasing.");
      }
      if (demandClass.equals("VALUE")) {
        failureSubtype = null;
      }
    }
  }

  public Taxonomy {
    entries = List.copyOf(entries);
  }

  /** The columns of the file, in the order the header names them. */
  static final List<String> COLUMNS = List.of("reason", "need_family", "demand_class", "failure_subtype");

  /**
   * Reads the CSV as any spreadsheet or contact-centre platform writes it (RFC 4180 quotes, commas and line breaks
   * inside quoted values, a UTF-8 byte-order mark, {@code #} comment lines), failing with the file, line and value of
   * the first bad line. The header names the four columns in any order; other columns are ignored.
   */
  public static Taxonomy read(Path file) {
    CsvParserSettings csv = new CsvParserSettings();
    csv.setLineSeparatorDetectionEnabled(true);
    csv.getFormat().setComment('#');
    // Reason codes are free text: a long one must not trip univocity's default cap of 4,096 characters silently.
    csv.setMaxCharsPerColumn(-1);
    CsvParser parser = new CsvParser(csv);
    // An InputStream, not a Reader: univocity then detects and drops the byte-order mark (BomInput).
    try (InputStream in = Files.newInputStream(file)) {
      parser.beginParsing(in, StandardCharsets.UTF_8);
      try {
        return new Taxonomy(entries(file, parser));
      } finally {
        parser.stopParsing();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the reason taxonomy " + file + ": set demand.taxonomy to an existing CSV file.", e);
    } catch (TextParsingException e) {
      throw new IllegalArgumentException(
          "Taxonomy " + file + " is not valid CSV near line " + (e.getLineIndex() + 1) + ": " + e.getMessage(), e);
    }
  }

  private static List<Entry> entries(Path file, CsvParser parser) {
    String[] header = parser.parseNext();
    List<String> names = header == null ? List.of() : Arrays.stream(header).map(Taxonomy::trimmed).toList();
    int[] index = new int[COLUMNS.size()];
    for (int c = 0; c < COLUMNS.size(); c++) {
      index[c] = names.indexOf(COLUMNS.get(c));
      if (index[c] < 0) {
        throw new IllegalArgumentException(
            "Taxonomy " + file + " has no column " + COLUMNS.get(c) + " (its header is " + String.join(",", names)
                + "): start the file with the header " + String.join(",", COLUMNS) + ".");
      }
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    String[] f;
    while ((f = parser.parseNext()) != null) {
      long line = parser.getContext().currentLine();
      if (f.length != names.size()) {
        throw new IllegalArgumentException(
            "Taxonomy " + file + " line " + line + " has " + f.length + " fields, expected " + names.size()
                + " as in the header: " + Arrays.stream(f).map(Taxonomy::trimmed).toList() + ". Quote a value that"
                + " contains a comma: \"Bill query, duplicate\".");
      }
      String reason = trimmed(f[index[0]]);
      if (reason.isEmpty()) {
        throw new IllegalArgumentException("Taxonomy " + file + " line " + line + " has no reason: give one.");
      }
      if (!seen.add(reason)) {
        throw new IllegalArgumentException(
            "Taxonomy " + file + " line " + line + " repeats reason '" + reason + "': keep one line per reason.");
      }
      String subtype = trimmed(f[index[3]]);
      try {
        entries.add(
            new Entry(
                reason,
                trimmed(f[index[1]]),
                trimmed(f[index[2]]).toUpperCase(Locale.ROOT),
                subtype.isEmpty() ? null : subtype));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Taxonomy " + file + " line " + line + ": " + e.getMessage(), e);
      }
    }
    return entries;
  }

  /** A field without surrounding blanks; empty for an absent one (univocity returns null for an empty field). */
  private static String trimmed(String value) {
    return value == null ? "" : value.strip();
  }

  /** The taxonomy as a small DataFrame (reason, need_family, demand_class, failure_subtype), for broadcast joins. */
  public Dataset<Row> toDataFrame(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (Entry e : entries) {
      rows.add(RowFactory.create(e.reason(), e.needFamily(), e.demandClass(), e.failureSubtype()));
    }
    return spark.createDataFrame(rows, SCHEMA);
  }
}
