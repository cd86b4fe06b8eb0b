package io.shcr.access.token;

/**
 * A refused token: the {@link TokenProblem} and a detailed reason for the developer. Values from the token
 * appear in the detail only through {@link #shown(Object)}, so a reason can never carry control
 * characters or unbounded text into a response.
 */
public final class InvalidTokenException extends RuntimeException {

  private static final int SHOWN_MAX = 80;

  private final TokenProblem problem;
  private final String detail;

  public InvalidTokenException(TokenProblem problem, String detail) {
    super(problem + ": " + detail, null, false, false);
    this.problem = problem;
    this.detail = detail;
  }

  public TokenProblem problem() {
    return problem;
  }

  /** The reason a developer can act on, without a trailing full stop. */
  public String detail() {
    return detail;
  }

  /** A token value as it may appear in a reason: printable ASCII only, at most 80 characters. */
  public static String shown(Object value) {
    String text = String.valueOf(value);
    StringBuilder out = new StringBuilder(Math.min(text.length(), SHOWN_MAX + 3));
    for (int i = 0; i < text.length() && out.length() < SHOWN_MAX; i++) {
      char c = text.charAt(i);
      out.append(c >= 0x20 && c < 0x7f ? c : '?');
    }
    return text.length() > SHOWN_MAX ? out + "..." : out.toString();
  }
}
