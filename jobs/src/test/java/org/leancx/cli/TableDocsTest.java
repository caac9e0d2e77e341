package org.leancx.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.leancx.common.SparkTestBase;
import org.leancx.common.TableContract;
import org.leancx.common.TableDocs;

class TableDocsTest {
  @Test
  void docsTablesMdIsGeneratedFromTheContracts() throws IOException {
    Path file = SparkTestBase.HOME.resolve("docs/tables.md");
    String expected = TableDocs.markdown(Contracts.all());
    String actual = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    assertThat(actual)
        .as("docs/tables.md is out of date: regenerate it with ./leancx tables --docs docs/tables.md")
        .isEqualTo(expected);
  }

  @Test
  void everyColumnOfEveryTableHasAComment() {
    for (TableContract c : Contracts.all()) {
      assertThat(c.grain()).as("grain of %s", c.name()).isNotBlank();
      for (var f : c.schema().fields()) {
        assertThat(f.getComment().isDefined() && !f.getComment().get().isBlank())
            .as("column %s.%s has no comment", c.name(), f.name())
            .isTrue();
      }
    }
  }

  @Test
  void tableNamesAreUnique() {
    assertThat(Contracts.all().stream().map(TableContract::name)).doesNotHaveDuplicates();
  }
}
