package io.shcr.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * The HAPI FHIR R4 validator, base R4 only and offline (no UK Core package is reachable): one per
 * test class, since building it costs seconds. Collects every error with where it came from, and
 * every warning by message, for the test to assert on and report.
 */
public final class FhirValidation {

  public static final FhirContext R4 = FhirContext.forR4Cached();

  private final FhirValidator validator;
  private final List<String> errors = new ArrayList<>();
  private final Map<String, Integer> warnings = new TreeMap<>();
  private int validated;

  public FhirValidation() {
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(R4),
        new CommonCodeSystemsTerminologyService(R4),
        new InMemoryTerminologyServerValidationSupport(R4),
        new SnapshotGeneratingValidationSupport(R4));
    FhirInstanceValidator module = new FhirInstanceValidator(chain);
    module.setAnyExtensionsAllowed(true);
    module.setNoTerminologyChecks(false);
    // NHS profiles (GP Connect, UK Core) cannot be fetched offline: an unknown profile is a warning, base R4 still applies.
    module.setErrorForUnknownProfiles(false);
    validator = R4.newValidator().registerValidatorModule(module);
  }

  /** Validates one resource (or Bundle) as JSON; records its errors under {@code what}; returns them. */
  public synchronized List<String> validate(String what, String json) {
    ValidationResult result = validator.validateWithResult(json);
    validated++;
    List<String> found = new ArrayList<>();
    for (SingleValidationMessage message : result.getMessages()) {
      String text = message.getLocationString() + ": " + message.getMessage();
      if (message.getSeverity() == ResultSeverityEnum.ERROR || message.getSeverity() == ResultSeverityEnum.FATAL) {
        found.add(what + " @ " + text);
      } else if (message.getSeverity() == ResultSeverityEnum.WARNING) {
        warnings.merge(generalised(message.getMessage()), 1, Integer::sum);
      }
    }
    errors.addAll(found);
    return found;
  }

  public synchronized List<String> errors() {
    return List.copyOf(errors);
  }

  public synchronized int validated() {
    return validated;
  }

  /** Warnings by message (numbers and quoted values folded so alike warnings count together), for the report. */
  public synchronized String warningReport() {
    StringBuilder out = new StringBuilder("FHIR validation: " + validated + " documents, " + errors.size() + " errors, "
        + warnings.values().stream().mapToInt(Integer::intValue).sum() + " warnings\n");
    warnings.forEach((message, count) -> out.append(String.format("  %5d x %s%n", count, message)));
    return out.toString();
  }

  private static String generalised(String message) {
    String text = message.replaceAll("\\[[0-9]+\\]", "[n]").replaceAll(" '[^']*'", " '...'").replaceAll("@[0-9a-f]+", "");
    return text.length() > 220 ? text.substring(0, 220) + "..." : text;
  }
}
