package io.shcr.api.fhir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.client.api.IClientInterceptor;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.IHttpRequest;
import ca.uhn.fhir.rest.client.api.IHttpResponse;
import java.io.IOException;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.shcr.nhs.NhsNumber;
import io.shcr.support.DemoNetwork;
import io.shcr.support.FhirValidation;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A FHIR client as another system would use us: HAPI FHIR's generic client reads the
 * CapabilityStatement, runs {@code $everything} and a type search for the demo patients, follows the
 * next links, and every Bundle it gets validates (the restricted patient's masked one included).
 */
class FhirClientTest {

  private static Vertx vertx;
  private static DemoNetwork demo;
  private static FhirValidation validation;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    demo = await(DemoNetwork.startUnhurried(vertx));
    validation = new FhirValidation();
  }

  @AfterAll
  static void stop() {
    System.out.println(validation.warningReport());
    await(demo.close());
    await(vertx.close());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The last response body the client read, as the server sent it (HAPI's model drops the ids of urn:uuid entries). */
  private static final ThreadLocal<String> LAST_BODY = new ThreadLocal<>();

  private static IGenericClient client(String persona) {
    IGenericClient client = FhirValidation.R4.newRestfulGenericClient("http://127.0.0.1:" + demo.service.port() + "/fhir");
    client.registerInterceptor(new BearerTokenAuthInterceptor(demo.token(persona)));
    client.registerInterceptor(new IClientInterceptor() {
      @Override
      public void interceptRequest(IHttpRequest request) {
      }

      @Override
      public void interceptResponse(IHttpResponse response) throws IOException {
        response.bufferEntity();
        try (var reader = response.createReader()) {
          java.io.StringWriter out = new java.io.StringWriter();
          reader.transferTo(out);
          LAST_BODY.set(out.toString());
        }
      }
    });
    return client;
  }

  private static void assertValid(String what, Bundle bundle) {
    assertThat(bundle).isNotNull();
    assertThat(validation.validate(what, LAST_BODY.get())).isEmpty();
  }

  @Test
  void readsTheCapabilityStatementThatDeclaresOnlyWhatIsServed() {
    CapabilityStatement statement = client("ed-doctor").capabilities().ofType(CapabilityStatement.class).execute();
    assertThat(statement.getFhirVersion().toCode()).isEqualTo("4.0.1");
    var patient = statement.getRestFirstRep().getResource().stream().filter(r -> r.getType().equals("Patient")).findFirst().orElseThrow();
    assertThat(patient.getOperation()).extracting(o -> o.getName()).containsExactly("everything");
    assertThat(statement.getRestFirstRep().getResource()).allSatisfy(r ->
        assertThat(r.getInteraction()).extracting(i -> i.getCode().toCode()).containsExactly("search-type"));
    assertThat(validation.validate("metadata", LAST_BODY.get())).isEmpty();
  }

  @Test
  void runsEverythingForTheDemoPatientsAndTheMaskedPatientValidates() {
    for (String nhs : List.of("9990000018", "9990000026")) {
      Bundle bundle = client("ed-doctor").operation().onInstance(new IdType("Patient", nhs)).named("$everything")
          .withNoParameters(Parameters.class).useHttpGet().returnResourceType(Bundle.class).execute();
      assertThat(bundle.getType()).isEqualTo(Bundle.BundleType.SEARCHSET);
      List<Patient> patients = bundle.getEntry().stream().filter(e -> e.getResource() instanceof Patient)
          .map(e -> (Patient) e.getResource()).toList();
      assertThat(patients).isNotEmpty().allSatisfy(p -> assertThat(p.getIdentifier())
          .anySatisfy(id -> assertThat(id.getSystem() + "|" + id.getValue()).isEqualTo(NhsNumber.SYSTEM + "|" + nhs)));
      assertThat(bundle.getEntry()).anySatisfy(e -> assertThat(e.getResource().getResourceType()).isEqualTo(ResourceType.Provenance));
      if (nhs.equals("9990000026")) {
        // Masked: no address or telephone anywhere, and nothing that names where the patient lives.
        assertThat(patients).allSatisfy(p -> assertThat(p.getAddress()).isEmpty());
        assertThat(patients).allSatisfy(p -> assertThat(p.getTelecom()).isEmpty());
      }
      assertValid("$everything " + nhs, bundle);
    }
  }

  @Test
  void typeSearchPagesThroughEveryMatchOnceByTheNextLinks() {
    IGenericClient client = client("ed-doctor");
    Bundle page = client.search().forResource(Condition.class)
        .where(Condition.PATIENT.hasChainedProperty(Patient.IDENTIFIER.exactly().systemAndCode(NhsNumber.SYSTEM, "9990000018")))
        .count(3).returnBundle(Bundle.class).execute();
    int total = page.getTotal();
    assertThat(total).isGreaterThan(3);
    List<String> seen = new ArrayList<>();
    int pages = 0;
    while (page != null) {
      assertValid("Condition page " + pages, page);
      page.getEntry().stream().filter(e -> e.getSearch().getMode() == Bundle.SearchEntryMode.MATCH)
          .forEach(e -> seen.add(e.getFullUrl()));
      pages++;
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }
    assertThat(pages).isEqualTo((total + 2) / 3);
    assertThat(seen).hasSize(total);
    Set<String> distinct = new HashSet<>(seen);
    assertThat(distinct).as("each match on exactly one page").hasSize(total);
  }

  @Test
  void anUnsupportedParameterIsRefusedNotIgnored() {
    assertThatThrownBy(() -> client("ed-doctor").search().forResource(Condition.class)
        .where(Condition.PATIENT.hasChainedProperty(Patient.IDENTIFIER.exactly().systemAndCode(NhsNumber.SYSTEM, "9990000018")))
        .and(Condition.ONSET_DATE.after().day("2020-01-01")).returnBundle(Bundle.class).execute())
        .isInstanceOfSatisfying(BaseServerResponseException.class, e -> {
          assertThat(e.getStatusCode()).isEqualTo(400);
          assertThat(e.getOperationOutcome()).isInstanceOf(OperationOutcome.class);
        });
  }
}
