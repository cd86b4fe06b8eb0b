package io.shcr.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.shcr.nhs.NhsNumber;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PopulationTest {

  private final SimulatorConfig config = Fixture.quietConfig();

  @Test
  void nhsNumbersAreValidUniqueAndInTheTestRange() {
    Population population = Population.generate(config.seed(), 2000, config.areas());
    assertThat(population.size()).isEqualTo(2004);
    Set<String> seen = new HashSet<>();
    for (SyntheticPatient p : population.all()) {
      assertThat(p.nhsNumber().value()).startsWith("999");
      assertThat(NhsNumber.parse(p.nhsNumber().value())).isPresent();
      assertThat(seen.add(p.nhsNumber().value())).isTrue();
    }
  }

  @Test
  void sameSeedSameDataDifferentSeedDifferentPeople() {
    Network first = Fixture.network(config);
    Network second = Fixture.network(config);
    assertThat(first.population().all()).isEqualTo(second.population().all());
    Organisation rxn = first.organisation("RXN").orElseThrow();
    Organisation gp = first.organisation("P81901").orElseThrow();
    for (SyntheticPatient p : first.population().all().subList(0, 50)) {
      assertThat(first.records().write(p, rxn)).isEqualTo(second.records().write(p, rxn));
      assertThat(first.records().write(p, gp)).isEqualTo(second.records().write(p, gp));
    }
    Population other = Population.generate(config.seed() + 1, 300, config.areas());
    assertThat(other.all().subList(4, 300)).isNotEqualTo(first.population().all().subList(4, 300));
  }

  @Test
  void aRealisticShareCarriesSensitiveItemsOfEveryCategory() {
    Population population = Population.generate(config.seed(), 3000, config.areas());
    long sensitive = population.all().stream().filter(p -> !p.sensitive().isEmpty()).count();
    assertThat(sensitive).isBetween(100L, 600L);
    Set<Sensitive> seen = EnumSet.noneOf(Sensitive.class);
    population.all().subList(4, 3004).forEach(p -> seen.addAll(p.sensitive()));
    assertThat(seen).containsExactlyInAnyOrder(Sensitive.values());
  }

  @Test
  void theFixedDemoPatients() {
    Network network = Fixture.network(config);
    Population population = network.population();
    SyntheticPatient rich = population.find(Population.RICH).orElseThrow();
    List<String> holders = rich.holders().stream().filter(ods -> network.records()
        .recordAt(rich, network.organisation(ods).orElseThrow()).isPresent()).toList();
    assertThat(holders).hasSizeGreaterThanOrEqualTo(12);
    assertThat(rich.sensitive()).containsExactlyInAnyOrder(Sensitive.values());
    assertThat(rich.confidentialAtSource()).isTrue();
    assertThat(population.find(Population.RESTRICTED).orElseThrow().restricted()).isTrue();
    assertThat(population.find(Population.OBJECTED).orElseThrow().objected()).isTrue();
    SyntheticPatient none = population.find(Population.NO_RECORDS).orElseThrow();
    assertThat(network.organisation("RXN").flatMap(o -> network.records().recordAt(none, o))).isEmpty();
    assertThat(none.holders()).isEmpty();
  }
}
