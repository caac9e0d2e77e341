package org.leancx.demand;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.leancx.common.Settings;
import org.leancx.common.SettingsException;
import org.leancx.common.SparkTestBase;

/** Pins every default of demand.* and the validation of each key. */
class DemandSettingsTest {
  private static Settings settings(String... overrides) {
    return Settings.load(SparkTestBase.HOME, null, List.of(overrides));
  }

  @Test
  void defaults() {
    DemandSettings d = DemandSettings.from(settings());
    RecontactRules r = d.recontact();
    assertThat(d.taxonomy().toString()).endsWith("conf/taxonomy/reasons.csv");
    assertThat(r.needKey()).isEqualTo(RecontactRules.NeedKey.NEED_FAMILY);
    assertThat(r.needColumns()).containsExactly("reason");
    assertThat(r.window()).isEqualTo(Duration.ofDays(7));
    assertThat(r.windowByChannel()).isEmpty();
    assertThat(r.windowByNeed()).isEmpty();
    assertThat(r.transferGap()).isEqualTo(Duration.ofMinutes(15));
    assertThat(r.transferOutcomes()).isEqualTo(Set.of("transferred", "transfer"));
    assertThat(r.outbound()).isEqualTo(RecontactRules.Outbound.NEVER_RECONTACT);
    assertThat(r.serviceAccountContactsPerDay()).isEqualTo(20);
    assertThat(r.automation()).isEqualTo(RecontactRules.Automation.AUTOMATION_INDUCED);
    assertThat(r.lookBackDays()).isEqualTo(7);
    assertThat(d.channelCost())
        .isEqualTo(
            Map.of("phone", 6.0, "chat", 4.0, "email", 5.0, "web", 0.5, "bot", 0.3, "branch", 12.0, "letter", 8.0));
    assertThat(d.defaultChannelCost()).isEqualTo(5.0);
  }

  @Test
  void overridesAndTheLookBackCoverTheLongestWindow() {
    RecontactRules r =
        DemandSettings.from(
                settings(
                    "demand.recontact.window-by-channel.Email=10d",
                    "demand.recontact.window-by-need.claims=14d",
                    "demand.recontact.need-key=columns",
                    "demand.recontact.need-columns=[\"attributes.product\", \"reason\"]",
                    "demand.recontact.outbound-can-recontact=true",
                    "demand.recontact.automation-induced=false"))
            .recontact();
    assertThat(r.windowByChannel()).isEqualTo(Map.of("email", Duration.ofDays(10)));
    assertThat(r.windowByNeed()).isEqualTo(Map.of("claims", Duration.ofDays(14)));
    assertThat(r.maxWindow()).isEqualTo(Duration.ofDays(14));
    assertThat(r.maxChannelWindow()).isEqualTo(Duration.ofDays(10));
    assertThat(r.lookBackDays()).isEqualTo(14);
    assertThat(r.needKey()).isEqualTo(RecontactRules.NeedKey.COLUMNS);
    assertThat(r.needColumns()).containsExactly("attributes.product", "reason");
    assertThat(r.outbound()).isEqualTo(RecontactRules.Outbound.CAN_RECONTACT);
    assertThat(r.automation()).isEqualTo(RecontactRules.Automation.NOT_DISTINGUISHED);
  }

  @Test
  void badValuesAreRejectedWithTheKeyAndTheFix() {
    assertThatThrownBy(() -> DemandSettings.from(settings("demand.recontact.need-key=customer")))
        .isInstanceOf(SettingsException.class)
        .hasMessageContaining("need_family, case_id or columns");
    assertThatThrownBy(() -> DemandSettings.from(settings("demand.recontact.window=0d")))
        .hasMessageContaining("demand.recontact.window");
    assertThatThrownBy(() -> DemandSettings.from(settings("demand.recontact.window-by-channel.email=soon")))
        .hasMessageContaining("demand.recontact.window-by-channel.email");
    assertThatThrownBy(() -> DemandSettings.from(settings("demand.recontact.service-account-contacts-per-day=0")))
        .hasMessageContaining("at least 1");
    assertThatThrownBy(() -> DemandSettings.from(settings("demand.channel-cost.phone=-1")))
        .hasMessageContaining("demand.channel-cost.phone");
    assertThatThrownBy(() -> settings("demand.recontact.windw=7d")).hasMessageContaining("demand.recontact.window");
  }
}
