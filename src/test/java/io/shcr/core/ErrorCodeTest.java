package io.shcr.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ErrorCodeTest {

  private static final Pattern TABLE_ROW = Pattern.compile("^\\| (\\d{3}) \\| `([A-Z_]+)` \\|", Pattern.MULTILINE);

  @Test
  void theCodesAreExactlyThoseDocsApiMdDocumentsWithTheirStatuses() throws IOException {
    String errors = errorsSection();
    Set<String> documented = new TreeSet<>();
    Matcher row = TABLE_ROW.matcher(errors);
    while (row.find()) {
      documented.add(row.group(2));
      ErrorCode code = ErrorCode.valueOf(row.group(2));
      if (code != ErrorCode.INVALID_PARAMETER || !row.group(1).equals("422")) {
        assertThat(code.status()).as(code.name()).isEqualTo(Integer.parseInt(row.group(1)));
      }
    }
    Set<String> inEnum = Arrays.stream(ErrorCode.values()).map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
    Set<String> auditOnly = Set.of(ErrorCode.CONNECTION_CLOSED.name());
    assertThat(documented).containsExactlyInAnyOrderElementsOf(
        inEnum.stream().filter(c -> !auditOnly.contains(c)).collect(Collectors.toSet()));
    assertThat(errors).as("an audit-only code is described under the table").contains("`CONNECTION_CLOSED`");
  }

  @Test
  void anApiErrorCannotCarryACodeOfItsOwn() {
    assertThatThrownBy(() -> new ApiError(400, "SEE_THIS_SOURCE_TEXT", "no"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(ErrorCode.INVALID_PARAMETER.error(422, "unknown section").status()).isEqualTo(422);
    assertThat(ErrorCode.NO_RELATIONSHIP.error("no relationship").toJson("r1").getJsonArray("issue").getJsonObject(0)
        .getJsonObject("details").getJsonArray("coding").getJsonObject(0).getString("code")).isEqualTo("NO_RELATIONSHIP");
  }

  private static String errorsSection() throws IOException {
    String api = Files.readString(Path.of("docs/api.md"));
    int start = api.indexOf("## Errors");
    int end = api.indexOf("\n## ", start + 1);
    return api.substring(start, end);
  }
}
