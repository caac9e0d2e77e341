package org.leancx.journeys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.leancx.common.SettingsException;
import org.leancx.common.SparkTestBase;

/** Pins every default of the journeys section and checks the validation messages. */
class JourneySettingsTest extends SparkTestBase {

  @Test
  void defaults() {
    JourneySettings s = JourneySettings.from(settings());
    assertThat(s.gap()).isEqualTo(Duration.ofDays(14));
    assertThat(s.asOf()).isEmpty();
    assertThat(s.resolvingOutcomes()).containsExactlyInAnyOrder("resolved", "information_given");
    assertThat(s.resolvingActivities())
        .containsExactlyInAnyOrder("resolved", "closed", "completed", "cancelled", "resolve ticket");
    assertThat(s.journeyType()).isEqualTo(new JourneySettings.JourneyTypeSource("need_key", null));
    assertThat(s.unknownJourneyType()).isEqualTo("unclassified");
    assertThat(s.littlesLawWindow()).isEqualTo(Duration.ofDays(28));
    assertThat(s.ageBuckets()).containsExactly(
        Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(7), Duration.ofDays(14), Duration.ofDays(30));
    assertThat(s.sloPeriod()).isEqualTo(JourneySettings.SloPeriod.MONTH);
    assertThat(s.atRiskBurnRate()).isEqualTo(0.75);
    assertThat(s.objectives())
        .containsExactly(
            new JourneySettings.Objective(
                "billing", "5 business days", 5 * 8 * 3600, JourneySettings.TimeBasis.BUSINESS, 0.95));
  }

  @Test
  void objectivesInBusinessHoursAndCalendarTime() {
    JourneySettings s =
        JourneySettings.from(
            settings(
                "journeys.slo.objectives=[{journey-type = \"*\", within = 72h, target = 0.8},"
                    + " {journey-type = claims, within = 12 business hours, target = 0.9}]",
                "journeys.journey-type=attribute:product"));
    assertThat(s.objectives())
        .extracting(JourneySettings.Objective::withinSeconds, JourneySettings.Objective::basis)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(72L * 3600, JourneySettings.TimeBasis.CALENDAR),
            org.assertj.core.groups.Tuple.tuple(12L * 3600, JourneySettings.TimeBasis.BUSINESS));
    assertThat(s.journeyType()).isEqualTo(new JourneySettings.JourneyTypeSource("attribute", "product"));
  }

  @Test
  void badValuesAreRejectedWithTheKeyAndTheFix() {
    assertThatThrownBy(() -> JourneySettings.from(settings("journeys.slo.objectives=[{journey-type = billing,"
            + " within = 5 days, target = 1.0}]")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("target for billing is 1.0");
    assertThatThrownBy(() -> JourneySettings.from(settings("journeys.journey-type=colour")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("journeys.journey-type is 'colour'");
    assertThatThrownBy(() -> JourneySettings.from(settings("journeys.flow.age-buckets=[3d, 1d]")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> JourneySettings.from(settings("journeys.as-of=yesterday")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("journeys.as-of is 'yesterday'");
    assertThatThrownBy(() -> settings("journeys.gapp=3d"))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("did you mean journeys.gap");
    assertThat(List.of(JourneySettings.from(settings("journeys.slo.period=week")).sloPeriod()))
        .containsExactly(JourneySettings.SloPeriod.WEEK);
  }
}
