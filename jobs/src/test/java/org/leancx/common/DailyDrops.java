package org.leancx.common;

import static org.assertj.core.api.Assertions.assertThat;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A CSV export cut into daily drops as a source system would send them: one file per day of a timestamp column, with
 * some records arriving days late and some sent again the next day. For the daily-load and daily-run tests.
 *
 * @param files the drop files (dropNN.csv, NN the day from 01), in load order; days without records have none
 * @param resent records also sent again in the next drop
 * @param late records sent {@code lateBy} drops after their own day
 * @param lateInto per day (index 0 = day 1), the late records its drop brings
 */
public record DailyDrops(List<Path> files, int resent, int late, int[] lateInto) {

  /** {@link #cut(Path, Path, LocalDate, int, int, int, int, String)} with 1% late and 2% sent again. */
  public static DailyDrops cut(Path export, Path out, LocalDate firstDay, int days, int lateBy, String timeColumn) {
    return cut(export, out, firstDay, days, lateBy, 1, 2, timeColumn);
  }

  /**
   * Cuts the CSV files of {@code export} into {@code out/dropNN.csv}, one per day from {@code firstDay} on, by the
   * date prefix of {@code timeColumn}: a record whose hash falls in the first {@code latePercent} of 100 arrives
   * {@code lateBy} days late (when that drop exists), in the next {@code resentPercent} it is also sent again the next
   * day. Records without a readable date (the
   * generator's planted bad timestamps) go to a drop by their hash; dates outside the days to the first or last drop.
   */
  public static DailyDrops cut(
      Path export, Path out, LocalDate firstDay, int days, int lateBy, int latePercent, int resentPercent,
      String timeColumn) {
    try {
      List<Path> parts;
      try (var list = Files.list(export)) {
        parts = list.filter(p -> p.getFileName().toString().endsWith(".csv")).sorted().toList();
      }
      CsvParserSettings settings = new CsvParserSettings();
      settings.setMaxCharsPerColumn(-1);
      CsvParser parser = new CsvParser(settings);
      String header = null;
      int timeIndex = -1;
      List<List<String>> byDrop = new ArrayList<>();
      for (int d = 0; d < days; d++) {
        byDrop.add(new ArrayList<>());
      }
      int resent = 0;
      int late = 0;
      int[] lateInto = new int[days];
      for (Path part : parts) {
        List<String> lines = Files.readAllLines(part, StandardCharsets.UTF_8);
        if (header == null) {
          header = lines.get(0);
          timeIndex = Arrays.asList(parser.parseLine(header)).indexOf(timeColumn);
          assertThat(timeIndex).as("column %s in %s", timeColumn, part).isNotNegative();
        }
        for (String line : lines.subList(1, lines.size())) {
          if (line.isBlank()) {
            continue;
          }
          String[] fields = parser.parseLine(line);
          int hash = Math.floorMod(line.hashCode() * 31 + 7, 1_000_003);
          int day;
          String time = fields.length > timeIndex ? fields[timeIndex] : null;
          if (time != null && time.matches("\\d{4}-\\d{2}-\\d{2}.*")) {
            day = (int) Math.max(0, Math.min(days - 1, LocalDate.parse(time.substring(0, 10)).toEpochDay()
                - firstDay.toEpochDay()));
          } else {
            day = hash % days;
          }
          int bucket = hash % 100;
          if (bucket < latePercent && day + lateBy < days) {
            byDrop.get(day + lateBy).add(line);
            lateInto[day + lateBy]++;
            late++;
          } else {
            byDrop.get(day).add(line);
            if (bucket < latePercent + resentPercent && day + 1 < days) {
              byDrop.get(day + 1).add(line);
              resent++;
            }
          }
        }
      }
      Files.createDirectories(out);
      List<Path> files = new ArrayList<>();
      for (int d = 0; d < days; d++) {
        if (byDrop.get(d).isEmpty()) {
          continue;
        }
        Path file = out.resolve(String.format("drop%02d.csv", d + 1));
        List<String> content = new ArrayList<>();
        content.add(header);
        content.addAll(byDrop.get(d));
        Files.write(file, content, StandardCharsets.UTF_8);
        files.add(file);
      }
      return new DailyDrops(files, resent, late, lateInto);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The drop of a day (1-based from the first day), or null when that day had no records. */
  public Path drop(int day) {
    String name = String.format("drop%02d.csv", day);
    return files.stream().filter(f -> f.getFileName().toString().equals(name)).findFirst().orElse(null);
  }
}
