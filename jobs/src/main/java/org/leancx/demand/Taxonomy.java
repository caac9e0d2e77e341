package org.leancx.demand;

import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.leancx.common.TableContract.optional;
import static org.leancx.common.TableContract.required;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /** Reads the CSV, failing with the file, line and value of the first bad line. */
  public static Taxonomy read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot read the reason taxonomy " + file + ": set demand.taxonomy to an existing CSV file.", e);
    }
    if (lines.isEmpty() || !lines.get(0).trim().equals("reason,need_family,demand_class,failure_subtype")) {
      throw new IllegalArgumentException(
          "Taxonomy " + file + " must start with the header reason,need_family,demand_class,failure_subtype.");
    }
    List<Entry> entries = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i).trim();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException(
            "Taxonomy " + file + " line " + (i + 1) + " has " + f.length + " fields, expected 4: '" + line + "'.");
      }
      String reason = f[0].trim();
      if (!seen.add(reason)) {
        throw new IllegalArgumentException(
            "Taxonomy " + file + " line " + (i + 1) + " repeats reason '" + reason + "': keep one line per reason.");
      }
      try {
        entries.add(
            new Entry(
                reason,
                f[1].trim(),
                f[2].trim().toUpperCase(Locale.ROOT),
                f[3].trim().isEmpty() ? null : f[3].trim()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Taxonomy " + file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return new Taxonomy(entries);
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
