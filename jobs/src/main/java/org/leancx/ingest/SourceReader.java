package org.leancx.ingest;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.leancx.common.Settings;

/**
 * Reads the raw files of a source, every column as a string, with the file each record came from and its 1-based
 * record number in that file (header excluded). File-level faults (no files, an empty file, a missing mapped column)
 * fail with a message that names the file and the fix.
 */
public final class SourceReader {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SourceReader.class);
  /** The raw record of a malformed CSV or JSON line; null for a well-formed one. */
  public static final String CORRUPT = "_corrupt_record";
  /** The file of the record, relative to the source's folder. */
  public static final String FILE = "_source_file";
  /** The 1-based record number in that file. */
  public static final String RECORD = "_source_record";

  private static final String FILE_PATH = "_file_path";
  private static final String BLOCK_START = "_block_start";
  private static final String ORDER = "_order";
  private static final String SPLIT_FILE = "_split_file";
  private static final String SPLIT_START = "_split_start";
  private static final String SPLIT_FIRST_ORDER = "_split_first_order";
  private static final String SPLIT_ROWS = "_split_rows";
  private static final String SPLIT_FIRST_RECORD = "_split_first_record";
  private static final String SPLIT_RELATIVE = "_split_relative";

  /**
   * The raw records of a source.
   *
   * @param rows the source columns (strings), then {@link #CORRUPT}, {@link #FILE} and {@link #RECORD}
   * @param columns the source column names, in file order
   * @param files the files read (URIs), sorted
   */
  public record RawInput(Dataset<Row> rows, List<String> columns, List<String> files) {
    public RawInput {
      columns = List.copyOf(columns);
      files = List.copyOf(files);
    }
  }

  private SourceReader() {}

  /** A column reference that survives dots and colons in source column names. */
  public static Column source(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  /** Lists and checks the files, then reads them lazily. */
  public static RawInput read(SparkSession spark, SourceMapping mapping) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    Path path = new Path(mapping.path());
    if (mapping.format() == SourceMapping.Format.DELTA) {
      Dataset<Row> delta = spark.read().format("delta").load(mapping.path());
      checkColumns(mapping, List.of(delta.columns()), mapping.path());
      Dataset<Row> rows = stringsWithMetadata(delta, List.of(delta.columns())).withColumn(CORRUPT, lit(null).cast("string"));
      return new RawInput(numbered(rows, qualified(path, hadoop), List.of(delta.columns())), List.of(delta.columns()),
          List.of(mapping.path()));
    }
    List<FileStatus> files = list(mapping, path, hadoop);
    String[] paths = files.stream().map(f -> f.getPath().toString()).toArray(String[]::new);
    String base = qualified(base(path, hadoop), hadoop);
    Dataset<Row> rows;
    List<String> columns;
    switch (mapping.format()) {
      case CSV -> {
        columns = csvHeader(mapping, files, hadoop);
        StructType schema = new StructType();
        for (String c : columns) {
          schema = schema.add(c, DataTypes.StringType, true);
        }
        schema = schema.add(CORRUPT, DataTypes.StringType, true);
        SourceMapping.Csv csv = mapping.csv();
        DataFrameReader reader =
            spark.read()
                .format("csv")
                .schema(schema)
                .option("header", csv.header())
                .option("sep", csv.separator())
                .option("encoding", csv.encoding())
                .option("quote", csv.quote())
                .option("escape", csv.escape())
                .option("multiLine", csv.multiLine())
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT)
                .option("enforceSchema", true)
                .option("maxCharsPerColumn", -1);
        rows = stringsWithMetadata(reader.load(paths), columns);
      }
      case JSON -> {
        Dataset<Row> json =
            spark.read()
                .option("primitivesAsString", true)
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT)
                .option("encoding", mapping.csv().encoding())
                .json(paths);
        columns = Arrays.stream(json.columns()).filter(c -> !c.equals(CORRUPT)).toList();
        checkColumns(mapping, columns, mapping.path());
        rows = stringsWithMetadata(json, columns);
        rows = Arrays.asList(json.columns()).contains(CORRUPT) ? rows : rows.withColumn(CORRUPT, lit(null).cast("string"));
      }
      case PARQUET -> {
        Dataset<Row> parquet = spark.read().parquet(paths);
        columns = List.of(parquet.columns());
        checkColumns(mapping, columns, mapping.path());
        rows = stringsWithMetadata(parquet, columns).withColumn(CORRUPT, lit(null).cast("string"));
      }
      default -> throw new IllegalStateException("unreachable: " + mapping.format());
    }
    return new RawInput(numbered(rows, base, columns), columns, Arrays.asList(paths));
  }

  /** Every column as a string (nested values as JSON), plus the file path and block of each record. */
  private static Dataset<Row> stringsWithMetadata(Dataset<Row> data, List<String> columns) {
    List<Column> select = new ArrayList<>();
    Set<String> names = Set.of(data.columns());
    for (StructField f : data.schema().fields()) {
      if (!columns.contains(f.name())) {
        continue;
      }
      Column c = source(f.name());
      boolean nested = f.dataType() instanceof StructType || f.dataType() instanceof org.apache.spark.sql.types.ArrayType
          || f.dataType() instanceof org.apache.spark.sql.types.MapType;
      select.add((nested ? to_json(c) : c.cast("string")).as(f.name()));
    }
    if (names.contains(CORRUPT)) {
      select.add(col(CORRUPT));
    }
    select.add(col("_metadata.file_path").as(FILE_PATH));
    select.add(col("_metadata.file_block_start").as(BLOCK_START));
    return data.select(select.toArray(Column[]::new)).withColumn(ORDER, monotonically_increasing_id());
  }

  /**
   * Numbers the records of each file 1, 2, ... in file order, without moving the rows. Records of one split (a
   * file's block, read by one task) are consecutive in the task, so a record's number is its split's first number
   * plus its {@link #ORDER} minus the split's first {@link #ORDER}. The splits' first numbers come from a small
   * aggregate (one row per split, broadcast): a window over the file would put a whole file, and every check after
   * it, into one task.
   */
  private static Dataset<Row> numbered(Dataset<Row> rows, String base, List<String> columns) {
    // The file name relative to the base, computed once per split (a regular expression per record cost more).
    Column path = regexp_replace(col(SPLIT_FILE), "^[a-zA-Z][a-zA-Z0-9+.-]*:(//[^/]*)?", "");
    String basePath = base.replaceAll("^[a-zA-Z][a-zA-Z0-9+.-]*:(//[^/]*)?", "").replaceAll("/+$", "") + "/";
    Column relative =
        when(path.startsWith(basePath), substring(path, basePath.length() + 1, Integer.MAX_VALUE))
            .otherwise(regexp_extract(path, "[^/]*$", 0));
    Dataset<Row> splits =
        rows.groupBy(col(FILE_PATH).as(SPLIT_FILE), col(BLOCK_START).as(SPLIT_START))
            .agg(min(col(ORDER)).as(SPLIT_FIRST_ORDER), count(lit(1)).as(SPLIT_ROWS));
    splits =
        splits
            .withColumn(
                SPLIT_FIRST_RECORD,
                coalesce(
                        sum(col(SPLIT_ROWS))
                            .over(
                                Window.partitionBy(col(SPLIT_FILE))
                                    .orderBy(col(SPLIT_START))
                                    .rowsBetween(Window.unboundedPreceding(), -1)),
                        lit(0L))
                    .plus(lit(1L)))
            .withColumn(SPLIT_RELATIVE, relative)
            .drop(SPLIT_ROWS);
    Dataset<Row> joined =
        rows.join(
            broadcast(splits),
            col(FILE_PATH).equalTo(col(SPLIT_FILE)).and(col(BLOCK_START).equalTo(col(SPLIT_START))),
            "left");
    List<Column> out = new ArrayList<>();
    for (String c : columns) {
      out.add(source(c));
    }
    out.add(col(CORRUPT));
    out.add(col(SPLIT_RELATIVE).as(FILE));
    out.add(col(SPLIT_FIRST_RECORD).plus(col(ORDER)).minus(col(SPLIT_FIRST_ORDER)).cast("long").as(RECORD));
    return joined.select(out.toArray(Column[]::new));
  }

  private static String qualified(Path p, Configuration hadoop) {
    try {
      return p.getFileSystem(hadoop).makeQualified(p).toUri().toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The folder that file names are given relative to: the path itself when a folder, else its glob-free parent. */
  private static Path base(Path path, Configuration hadoop) {
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      Path p = path;
      while (p.getParent() != null && p.toString().matches(".*[*?\\[{].*")) {
        p = p.getParent();
      }
      if (p.equals(path) && fs.exists(p) && fs.getFileStatus(p).isDirectory()) {
        return p;
      }
      return p.equals(path) ? (p.getParent() == null ? p : p.getParent()) : p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The visible files at the path (a file, a folder read recursively, or a glob), sorted; fails when none or empty. */
  static List<FileStatus> list(SourceMapping mapping, Path path, Configuration hadoop) {
    List<FileStatus> files = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      FileStatus[] matched = fs.globStatus(path);
      if (matched != null) {
        for (FileStatus s : matched) {
          if (s.isDirectory()) {
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(s.getPath(), true);
            while (it.hasNext()) {
              LocatedFileStatus f = it.next();
              if (visible(f.getPath(), s.getPath())) {
                files.add(f);
              }
            }
          } else {
            files.add(s);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list " + mapping.path() + " (source " + mapping.name() + ")", e);
    }
    if (files.isEmpty()) {
      throw new IngestException(
          "No input files at " + mapping.path() + " (source " + mapping.name() + ", path in " + mapping.origin()
              + "). Check the path (relative paths resolve against the project home), pass --path FILE_OR_DIR, or"
              + " generate the synthetic data first with `leancx generate`.");
    }
    files.sort((a, b) -> a.getPath().toString().compareTo(b.getPath().toString()));
    for (FileStatus f : files) {
      if (f.getLen() == 0) {
        throw new IngestException(
            "Input file " + f.getPath() + " of source " + mapping.name() + " is empty (0 bytes): the export probably"
                + " failed. Re-export it, or remove the file from " + mapping.path() + ".");
      }
    }
    return files;
  }

  /** Hidden and marker files (_SUCCESS, .crc, _delta_log) below the folder are skipped, as Spark does. */
  private static boolean visible(Path file, Path root) {
    for (Path p = file; p != null && !p.equals(root); p = p.getParent()) {
      String n = p.getName();
      if (n.startsWith("_") || n.startsWith(".")) {
        return false;
      }
    }
    return true;
  }

  /** Reads the header of every CSV file; all must agree and hold the mapped columns. */
  private static List<String> csvHeader(SourceMapping mapping, List<FileStatus> files, Configuration hadoop) {
    List<String> first = null;
    String firstFile = null;
    CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
    for (FileStatus f : files) {
      String line = firstLine(f.getPath(), hadoop, codecs, Charset.forName(mapping.csv().encoding()));
      if (line == null || line.isBlank()) {
        throw new IngestException(
            "Input file " + f.getPath() + " of source " + mapping.name() + " is empty: it has no header line. Re-export"
                + " it with its header, or remove it from " + mapping.path() + ".");
      }
      List<String> header = uniqueNames(parseHeader(line, mapping.csv()), f.getPath().toString(), mapping);
      if (first == null) {
        first = header;
        firstFile = f.getPath().toString();
        checkColumns(mapping, header, firstFile);
      } else if (!header.equals(first)) {
        throw new IngestException(
            "Input file " + f.getPath() + " has the columns " + header + " but " + firstFile + " has " + first
                + ". All files of source " + mapping.name() + " must share one layout: split them into two sources.");
      }
    }
    return first;
  }

  /**
   * Header names made unique: the first occurrence of a name keeps it, the n-th becomes {@code <name>_<n>} (the next
   * free suffix when that name is taken too), with a warning naming the file and the columns. Exports that name two
   * columns alike (a ticketing export's {@code category} for category and subcategory) are then read, and a mapping
   * can refer to the renamed column ({@code keep { subcategory = category_2 }}).
   */
  static List<String> uniqueNames(List<String> header, String file, SourceMapping mapping) {
    Set<String> taken = new java.util.HashSet<>(header);
    java.util.Map<String, Integer> seen = new java.util.HashMap<>();
    Set<String> used = new java.util.HashSet<>();
    List<String> out = new ArrayList<>();
    List<String> renamed = new ArrayList<>();
    String example = null;
    for (String name : header) {
      int n = seen.merge(name, 1, Integer::sum);
      if (n == 1 && used.add(name)) {
        out.add(name);
        continue;
      }
      String candidate = name + "_" + n;
      while (taken.contains(candidate) || used.contains(candidate)) {
        candidate = name + "_" + (++n);
      }
      seen.put(name, n);
      used.add(candidate);
      out.add(candidate);
      example = example == null ? candidate : example;
      renamed.add("'" + name + "' (column " + out.size() + ") as '" + candidate + "'");
    }
    if (!renamed.isEmpty()) {
      LOG.warn("Input file {} of source {} names a column more than once: read {}. Map the renamed columns by these"
          + " names (e.g. keep {{ subcategory = {} }}); see conf/sources/README.md.", file, mapping.name(),
          String.join(", ", renamed), example);
    }
    return out;
  }

  private static List<String> parseHeader(String line, SourceMapping.Csv csv) {
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(csv.separator());
    if (!csv.quote().isEmpty()) {
      settings.getFormat().setQuote(csv.quote().charAt(0));
    }
    if (!csv.escape().isEmpty()) {
      settings.getFormat().setQuoteEscape(csv.escape().charAt(0));
    }
    settings.setMaxCharsPerColumn(-1);
    settings.setIgnoreLeadingWhitespaces(false);
    settings.setIgnoreTrailingWhitespaces(false);
    String[] fields = new CsvParser(settings).parseLine(line);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < fields.length; i++) {
      names.add(csv.header() ? (fields[i] == null ? "_c" + i : fields[i]) : "_c" + i);
    }
    return names;
  }

  private static String firstLine(Path path, Configuration hadoop, CompressionCodecFactory codecs, Charset charset) {
    try {
      InputStream in = path.getFileSystem(hadoop).open(path);
      CompressionCodec codec = codecs.getCodec(path);
      if (codec != null) {
        in = codec.createInputStream(in);
      }
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, charset))) {
        String line = reader.readLine();
        while (line != null && line.isBlank()) {
          line = reader.readLine();
        }
        return line;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path, e);
    }
  }

  /** Fails naming the file, the missing column, the nearest present one and the fix. */
  static void checkColumns(SourceMapping mapping, List<String> present, String file) {
    Set<String> have = new TreeSet<>(present);
    Set<String> needed = new LinkedHashSet<>();
    mapping.columns().forEach((field, column) -> needed.add(column));
    needed.addAll(mapping.keep().values());
    if (mapping.versionColumn() != null) {
      needed.add(mapping.versionColumn());
    }
    for (String column : needed) {
      if (!have.contains(column)) {
        String field =
            mapping.columns().entrySet().stream()
                .filter(e -> e.getValue().equals(column))
                .map(e -> "columns." + e.getKey())
                .findFirst()
                .orElse(mapping.keep().containsValue(column) ? "keep" : "version-column");
        String nearest = Settings.nearest(column, have);
        throw new IngestException(
            "Input file " + file + " has no column '" + column + "', which " + mapping.origin() + " maps in " + field
                + (nearest == null ? "" : " (did you mean '" + nearest + "'?)") + ". Its columns are " + present
                + ". Fix " + field + " in the mapping, or export the column.");
      }
    }
  }
}
