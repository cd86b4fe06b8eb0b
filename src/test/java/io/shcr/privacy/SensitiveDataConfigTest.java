package io.shcr.privacy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shcr.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up validation of {@code sensitive-data.yaml} and its code lists, and that operators can extend them. */
class SensitiveDataConfigTest {

  @TempDir
  Path dir;

  static final String SYSTEMS = """
      codeSystems:
        snomed: {match: exact, uris: [http://snomed.info/sct]}
        icd10: {match: classification, uris: [http://hl7.org/fhir/sid/icd-10]}
      """;

  private void write(String name, String text) throws IOException {
    Files.createDirectories(dir.resolve(name).getParent());
    Files.writeString(dir.resolve(name), text);
  }

  @Test
  void loadsTheShippedConfigurationWithEveryCategory() {
    SensitiveDataConfig config = SensitiveDataConfig.load(Path.of("conf"));
    assertThat(config.categories()).extracting(SensitiveDataConfig.Category::name)
        .containsExactly("sexual-health", "termination-of-pregnancy", "assisted-conception", "gender-reassignment");
    assertThat(config.categories().get(0).codes().get("icd10")).contains("A50", "A57", "A64", "B20", "B24", "Z21");
    assertThat(config.categories().get(0).codes().get("snomed")).contains("105629000", "8098009").doesNotContain("74181004");
    assertThat(config.categories().get(0).codes().get("readv2")).contains("A983.").doesNotContain("A983.00");
  }

  @Test
  void anOperatorAddsACategoryAndAClinicWithoutCodeChange() throws IOException {
    write("codes/extra.snomed.txt", "123456789\tSomething local\n# a comment\n\n987654321\tAnother\n");
    write("sensitive-data.yaml", SYSTEMS + """
        categories:
          - name: local
            lists: [{file: codes/extra.snomed.txt, system: snomed, source: local governance list}]
            identifiers: [{system: https://fhir.nhs.uk/Id/ods-site-code, values: [RXX01]}]
        """);
    RuleBasedPrivacyFilter filter = RuleBasedPrivacyFilter.load(dir);
    var coded = new io.vertx.core.json.JsonObject().put("resourceType", "Condition").put("id", "c")
        .put("code", SampleRecord.concept("http://snomed.info/sct", "987654321", "x"));
    var atClinic = new io.vertx.core.json.JsonObject().put("resourceType", "Encounter").put("id", "e").put("status", "finished")
        .put("location", new io.vertx.core.json.JsonArray().add(new io.vertx.core.json.JsonObject().put("location",
            new io.vertx.core.json.JsonObject().put("identifier", new io.vertx.core.json.JsonObject()
                .put("system", "https://fhir.nhs.uk/Id/ods-site-code").put("value", "RXX01")))));
    var elsewhere = atClinic.copy().put("id", "e2");
    elsewhere.getJsonArray("location").getJsonObject(0).getJsonObject("location").getJsonObject("identifier").put("value", "RYY02");
    var result = filter.filter(java.util.List.of(coded, atClinic, elsewhere), new io.shcr.fhir.ResourceIndex());
    assertThat(result.released()).extracting(r -> r.getString("id")).containsExactly("e2");
  }

  @Test
  void namesTheFileAndFieldOfEveryProblem() throws IOException {
    write("codes/bad.txt", "good\tline\nbad code\tline\n");
    write("sensitive-data.yaml", SYSTEMS + """
        codeSystems2: {}
        categories:
          - name: one
            lists:
              - {file: codes/missing.txt, system: snomed, source: x}
              - {file: codes/bad.txt, system: snomed, source: x}
              - {file: codes/bad.txt, system: ctv3}
            prefixes:
              icd10: [A64-A50, B2-B24]
              snomed: ["1"]
          - name: one
            codes: {readv2: [A]}
        """);
    assertThatThrownBy(() -> RuleBasedPrivacyFilter.load(dir))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(dir.resolve("sensitive-data.yaml").toString())
        .hasMessageContaining("categories[0].lists[0].file: cannot read code list")
        .hasMessageContaining("bad.txt line 2")
        .hasMessageContaining("categories[0].lists[2].source: required text is missing")
        .hasMessageContaining("categories[0].lists[2].system: unknown code system ctv3")
        .hasMessageContaining("bad range A64-A50")
        .hasMessageContaining("bad range B2-B24")
        .hasMessageContaining("prefixes.snomed: prefixes apply only to classification")
        .hasMessageContaining("categories[1].name: duplicate category one")
        .hasMessageContaining("categories[1].codes.readv2: unknown code system");
  }

  @Test
  void refusesAMissingFileOrNoCategories() throws IOException {
    assertThatThrownBy(() -> RuleBasedPrivacyFilter.load(dir)).isInstanceOf(ConfigException.class).hasMessageContaining("sensitive-data.yaml");
    write("sensitive-data.yaml", SYSTEMS + "securityLabels: nope\n");
    assertThatThrownBy(() -> RuleBasedPrivacyFilter.load(dir)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("sensitive-data.categories: expected a list")
        .hasMessageContaining("sensitive-data.securityLabels: expected a list");
  }

  @Test
  void anAliasCannotBeInTwoGroups() throws IOException {
    write("sensitive-data.yaml", SYSTEMS + """
        aliases:
          - [http://snomed.info/sct, "urn:oid:1.2.3"]
          - [http://other.example, "URN:OID:1.2.3/"]
        categories:
          - {name: x, codes: {snomed: ["1"]}}
        """);
    assertThatThrownBy(() -> SensitiveDataConfig.load(dir)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("aliases[1]").hasMessageContaining("already in aliases[0]");
  }

  @Test
  void aCategoryWithoutAnyCodeStopsStartUp() throws IOException {
    write("sensitive-data.yaml", SYSTEMS + """
        categories:
          - name: fertility
            codes: {snomed: []}
            prefixes: {icd10: []}
            identifiers: [{system: https://fhir.nhs.uk/Id/ods-site-code, values: []}]
        """);
    assertThatThrownBy(() -> SensitiveDataConfig.load(dir)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("categories[0]").hasMessageContaining("at least one");
  }

  @Test
  void serviceCodingsNameTheirSystemsAndFieldsOrStopStartUp() throws IOException {
    write("sensitive-data.yaml", SYSTEMS + """
        serviceCodings:
          fields:
            Encounter: [serviceType, ".bad"]
            encounter: [type]
            Location: []
          knownSystems: [snomed, nosuch]
          notKnown:
            - {uri: "HTTP://SNOMED.INFO/SCT/", why: clash}
            - {uri: http://example.org/x}
        categories:
          - {name: x, codes: {snomed: ["1"]}}
        """);
    assertThatThrownBy(() -> SensitiveDataConfig.load(dir)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("serviceCodings.fields.Encounter: bad field path '.bad'")
        .hasMessageContaining("serviceCodings.fields.encounter: expected a FHIR resource type")
        .hasMessageContaining("serviceCodings.fields.Location: no fields listed")
        .hasMessageContaining("serviceCodings.knownSystems: unknown code system nosuch")
        .hasMessageContaining("notKnown[0].uri: HTTP://SNOMED.INFO/SCT/ is also a known system")
        .hasMessageContaining("notKnown[1].why: required text is missing");
  }

  @Test
  void withoutServiceCodingsEveryServiceCodingIsWithheld() throws IOException {
    write("sensitive-data.yaml", SYSTEMS + """
        categories:
          - {name: x, codes: {snomed: ["1"]}}
        """);
    SensitiveDataConfig config = SensitiveDataConfig.load(dir);
    assertThat(config.serviceCodings()).isEqualTo(ServiceCodings.DEFAULT);
    RuleBasedPrivacyFilter filter = new RuleBasedPrivacyFilter(config);
    var ordinaryClinic = new io.vertx.core.json.JsonObject().put("resourceType", "Encounter").put("id", "e").put("status", "finished")
        .put("serviceType", SampleRecord.concept("http://snomed.info/sct", "394579002", "Cardiology"));
    assertThat(filter.filter(java.util.List.of(ordinaryClinic), new io.shcr.fhir.ResourceIndex()).released()).isEmpty();
    assertThat(filter.serviceCodingSummary().get(1)).contains("NO code system is known");

    write("sensitive-data.yaml", SYSTEMS + """
        serviceCodings:
          fields: {Encounter: [serviceType]}
          knownSystems: [snomed]
        categories:
          - {name: x, codes: {snomed: ["1"]}}
        """);
    RuleBasedPrivacyFilter known = RuleBasedPrivacyFilter.load(dir);
    assertThat(known.filter(java.util.List.of(ordinaryClinic), new io.shcr.fhir.ResourceIndex()).released()).hasSize(1);
  }
}
