package org.leancx.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.leancx.common.ReportingPeriod;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;
import org.leancx.common.SparkTestBase;

/** Pins every default of the capacity and scorecard sections and checks that bad values are refused clearly. */
class CapacitySettingsTest {
  private static Settings load(String... overrides) {
    return Settings.load(SparkTestBase.HOME, null, List.of(overrides));
  }

  @Test
  void capacityDefaultsArePinned() {
    CapacitySettings c = CapacitySettings.from(load());
    assertThat(c.interval()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.queueBy()).isEqualTo(CapacitySettings.QueueBy.CHANNEL);
    assertThat(c.serviceLevelTarget()).isEqualTo(0.8);
    assertThat(c.answerWithin()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.shrinkage()).isEqualTo(0.3);
    assertThat(c.concurrency()).isEqualTo(Map.of("chat", 2.0));
    assertThat(c.defaultConcurrency()).isEqualTo(1.0);
    assertThat(c.excludedChannels()).containsExactly("bot", "web");
    assertThat(c.arrivals()).isEqualTo(CapacitySettings.Arrivals.INBOUND);
    assertThat(c.defaultHandleTime()).isEqualTo(Duration.ofSeconds(300));
    assertThat(c.peakPercentile()).isEqualTo(0.9);
    assertThat(c.summaryPeriod()).isEqualTo(ReportingPeriod.WEEK);
    assertThat(c.concurrencyOf("Chat")).isEqualTo(2.0);
    assertThat(c.concurrencyOf("phone")).isEqualTo(1.0);
  }

  @Test
  void scorecardDefaultsArePinned() {
    ScorecardSettings s = ScorecardSettings.from(load());
    assertThat(s.period()).isEqualTo(ReportingPeriod.WEEK);
    assertThat(s.journeyTypeColumn()).isEqualTo("need_key");
    assertThat(s.channelCost()).containsEntry("phone", 6.0).containsEntry("letter", 8.0);
    assertThat(s.defaultChannelCost()).isEqualTo(5.0);
  }

  @Test
  void concurrencyTakesAnyChannelAndOverridesWork() {
    CapacitySettings c =
        CapacitySettings.from(
            load("capacity.concurrency.messaging=3", "capacity.queue-by=team", "capacity.include-outbound=true",
                "capacity.interval=15m"));
    assertThat(c.concurrencyOf("messaging")).isEqualTo(3.0);
    assertThat(c.queueBy()).isEqualTo(CapacitySettings.QueueBy.TEAM);
    assertThat(c.arrivals()).isEqualTo(CapacitySettings.Arrivals.INBOUND_AND_OUTBOUND);
    assertThat(c.intervalSeconds()).isEqualTo(900);
  }

  @Test
  void badValuesAreRefusedWithTheKeyAndTheFix() {
    assertThatThrownBy(() -> CapacitySettings.from(load("capacity.interval=7m")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("capacity.interval")
        .hasMessageContaining("divides a day");
    assertThatThrownBy(() -> CapacitySettings.from(load("capacity.service-level-target=80")))
        .hasMessageContaining("0.8 for 80%");
    assertThatThrownBy(() -> CapacitySettings.from(load("capacity.shrinkage=1")))
        .hasMessageContaining("capacity.shrinkage");
    assertThatThrownBy(() -> CapacitySettings.from(load("capacity.concurrency.chat=0.5")))
        .hasMessageContaining("capacity.concurrency.chat");
    assertThatThrownBy(() -> CapacitySettings.from(load("capacity.queue-by=agent")))
        .hasMessageContaining("use channel or team");
    assertThatThrownBy(() -> ScorecardSettings.from(load("scorecard.period=day")))
        .hasMessageContaining("use one of [week, month]");
    assertThatThrownBy(() -> load("capacity.shrinkge=0.2")).hasMessageContaining("did you mean capacity.shrinkage?");
  }
}
