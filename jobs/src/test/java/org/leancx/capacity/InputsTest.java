package org.leancx.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.leancx.common.TableContract;

/** Every column that capacity and the scorecard read from another job's table is in that job's contract. */
class InputsTest {
  /** Constants that are values, not column names. */
  private static final Set<String> VALUES =
      Set.of("FAILURE", "RESOLVED_FIRST_TIME", "REPEATED", "CLOSED", "FAILURE_DEMAND_OUTCOME");

  @Test
  void everyColumnReadIsInTheWritersContract() throws ReflectiveOperationException {
    for (Class<?> input : Inputs.class.getDeclaredClasses()) {
      TableContract contract = (TableContract) input.getField("CONTRACT").get(null);
      int columns = 0;
      for (Field f : input.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class && !VALUES.contains(f.getName())) {
          assertThat(contract.columnNames())
              .as("%s.%s is not a column of %s", input.getSimpleName(), f.getName(), contract.name())
              .contains((String) f.get(null));
          columns++;
        }
      }
      assertThat(columns).as(input.getSimpleName()).isPositive();
    }
  }
}
