package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.core.Section;
import io.shcr.sources.SourceConfig;
import io.shcr.sources.SourceKind;
import io.shcr.sources.SourceRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourcesYamlTest {

  private final SourceRegistry registry = Fixture.sources();

  @Test
  void listsEveryParticipantWithTheCouncilsNotLive() {
    List<String> names = registry.all().stream().map(SourceConfig::name).toList();
    assertThat(names).contains("East Lancashire Hospitals NHS Trust", "Lancashire and South Cumbria NHS Foundation Trust",
        "Lancashire Teaching Hospitals NHS Foundation Trust", "Blackpool Teaching Hospitals NHS Foundation Trust",
        "Southport and Ormskirk Hospital NHS Trust", "University Hospitals of Morecambe Bay NHS Foundation Trust",
        "Blackburn with Darwen Borough Council", "Blackpool Council", "Lancashire County Council",
        "Primrose Bank Residential Care Home", "St Catherine's Hospice, Preston", "Derian House Children's Hospice, Chorley",
        "Pendleside Hospice, Burnley", "Rossendale Hospice", "St John's Hospice, Lancaster",
        "Trinity Hospice & Brian House Children's Hospice, Blackpool", "East Lancashire Hospice, Blackburn",
        "Queenscourt Hospice, Southport", "St Mary's Hospice, Ulverston", "Change Grow Live", "Delphi Medical");
    assertThat(registry.all().stream().filter(s -> s.kind() == SourceKind.GP)).hasSizeGreaterThanOrEqualTo(10)
        .allMatch(s -> s.adapter().equals("gp-connect"));
    assertThat(registry.all().stream().filter(s -> !s.live()).map(SourceConfig::id)).containsExactlyInAnyOrder("889", "890");
    assertThat(registry.all().stream().filter(s -> s.kind() != SourceKind.GP))
        .allMatch(s -> s.baseUrl().equals("http://127.0.0.1:8090/" + s.id()));
    // The demo's practices are located through the simulated SDS: no static endpoint of their own.
    assertThat(registry.all().stream().filter(s -> s.kind() == SourceKind.GP)).allMatch(s -> s.baseUrl() == null);
    assertThat(registry.gpConnect().sds().baseUrl()).isEqualTo("http://127.0.0.1:8090/sds");
    assertThat(registry.gpConnect().providerAsids()).isEmpty();
  }

  @Test
  void everyOrganisationServesOnlyTheSectionsItDeclares() {
    Network network = Fixture.network(Fixture.quietConfig());
    for (SourceConfig source : registry.all()) {
      Organisation org = network.organisation(source.id()).orElseThrow();
      for (SyntheticPatient patient : network.population().all()) {
        Optional<OrgRecord> record = network.records().recordAt(patient, org);
        record.ifPresent(r -> r.resources().forEach(resource -> {
          Section section = Section.forResourceType(resource.getString("resourceType")).orElseThrow();
          assertThat(source.sections()).as(source.id() + " declares " + section).contains(section);
        }));
      }
    }
  }

  @Test
  void eachOrganisationHoldsDataForSomeone() {
    Network network = Fixture.network(Fixture.quietConfig());
    for (SourceConfig source : registry.all()) {
      Organisation org = network.organisation(source.id()).orElseThrow();
      long held = network.population().all().stream().filter(p -> p.heldBy(source.id())).count();
      if (!source.id().equals("NDH")) {
        assertThat(held).as(source.id()).isPositive();
      }
      JsonObject patient = network.records().write(network.population().all().get(0), org).patient();
      assertThat(patient.getString("resourceType")).isEqualTo("Patient");
      assertThat(patient.containsKey("meta")).as("ordinary Patients carry no security label").isFalse();
    }
  }
}
