package org.leancx.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reason taxonomy is read as real CSV: quoted values with commas, a byte-order mark, clear errors. No Spark. */
class TaxonomyTest {
  private static final String HEADER = "reason,need_family,demand_class,failure_subtype\n";

  @TempDir Path dir;

  private Path file(String text) throws IOException {
    return Files.write(dir.resolve("reasons.csv"), text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aQuotedReasonKeepsItsComma() throws IOException {
    Taxonomy t = read(HEADER
        + "\"Bill query, duplicate\",billing,FAILURE,error_in_service\n"
        + "billing_question,billing,VALUE,\n");
    assertThat(t.entries())
        .containsExactly(
            new Taxonomy.Entry("Bill query, duplicate", "billing", "FAILURE", "error_in_service"),
            new Taxonomy.Entry("billing_question", "billing", "VALUE", null));
  }

  @Test
  void quotesInsideAQuotedValueAndCrlfLineEndingsAsSpreadsheetsWriteThem() throws IOException {
    Taxonomy t = read(HEADER.replace("\n", "\r\n")
        + "\"Said \"\"cancel\"\", twice\",\"account, closure\",value,\r\n"
        + "# a comment line, skipped\r\n"
        + "\r\n"
        + "delivery_late,delivery,failure,progress_chasing\r\n");
    assertThat(t.entries())
        .containsExactly(
            new Taxonomy.Entry("Said \"cancel\", twice", "account, closure", "VALUE", null),
            new Taxonomy.Entry("delivery_late", "delivery", "FAILURE", "progress_chasing"));
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnName() throws IOException {
    Taxonomy t = read("\uFEFF" + HEADER + "billing_question,billing,VALUE,\n");
    assertThat(t.entries()).containsExactly(new Taxonomy.Entry("billing_question", "billing", "VALUE", null));
  }

  @Test
  void columnsMayComeInAnyOrder() throws IOException {
    Taxonomy t = read("demand_class,reason,failure_subtype,need_family\nFAILURE,\"a, b\",progress_chasing,orders\n");
    assertThat(t.entries()).containsExactly(new Taxonomy.Entry("a, b", "orders", "FAILURE", "progress_chasing"));
  }

  @Test
  void aMissingColumnIsNamedWithTheHeaderToUse() throws IOException {
    Path f = file("reason,need_family,demand_class\nbilling_question,billing,VALUE\n");
    assertThatThrownBy(() -> Taxonomy.read(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no column failure_subtype")
        .hasMessageContaining("its header is reason,need_family,demand_class")
        .hasMessageContaining("start the file with the header reason,need_family,demand_class,failure_subtype");
  }

  @Test
  void anUnquotedCommaIsReportedWithItsLineAndTheFix() throws IOException {
    Path f = file(HEADER + "billing_question,billing,VALUE,\nBill query, duplicate,billing,FAILURE,error_in_service\n");
    assertThatThrownBy(() -> Taxonomy.read(f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line 3 has 5 fields, expected 4")
        .hasMessageContaining("Quote a value that contains a comma");
  }

  @Test
  void aRepeatedReasonAndABadDemandClassNameTheirLine() throws IOException {
    Path repeated = file(HEADER + "a,x,VALUE,\n\"a\",y,VALUE,\n");
    assertThatThrownBy(() -> Taxonomy.read(repeated)).hasMessageContaining("line 3 repeats reason 'a'");
    Path badClass = file(HEADER + "a,x,VALUE,\nb,x,MAYBE,\n");
    assertThatThrownBy(() -> Taxonomy.read(badClass))
        .hasMessageContaining("line 3")
        .hasMessageContaining("demand_class of reason b is 'MAYBE'");
  }

  @Test
  void theShippedTaxonomyReads() {
    Path shipped = Path.of(System.getProperty("leancx.home", "..")).resolve("conf/taxonomy/reasons.csv");
    assertThat(Taxonomy.read(shipped).entries()).hasSizeGreaterThan(10);
  }

  private Taxonomy read(String text) throws IOException {
    return Taxonomy.read(file(text));
  }
}
