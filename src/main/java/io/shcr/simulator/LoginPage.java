package io.shcr.simulator;

import io.shcr.access.AccessPolicy;
import java.util.List;

/** The simulated identity provider's pages: plain, accessible HTML forms (no script). */
final class LoginPage {

  static final String CSS = """
      body{font-family:Arial,sans-serif;margin:0;background:#f0f4f5;color:#212b32;font-size:1.1875rem;line-height:1.5}
      header{background:#005eb8;color:#fff;padding:1rem}
      header p{margin:0;font-weight:bold}
      main{max-width:40rem;margin:0 auto;padding:1rem}
      fieldset{border:0;padding:0;margin:0 0 1.5rem}
      legend{font-size:1.5rem;font-weight:bold;margin-bottom:.5rem}
      .option{display:block;background:#fff;border:1px solid #aeb7bd;padding:.75rem;margin:.5rem 0}
      .option input{width:1.5rem;height:1.5rem;vertical-align:middle;margin-right:.5rem}
      .hint{display:block;color:#4c6272;font-size:1rem;margin-left:2.1rem}
      button{background:#007f3b;color:#fff;border:0;border-bottom:4px solid #00401e;padding:.75rem 1.25rem;font-size:1.1875rem;font-weight:bold;cursor:pointer}
      button:focus,input:focus{outline:4px solid #ffeb3b;box-shadow:0 4px 0 #212b32}
      .warning{background:#fff9c4;border-left:8px solid #ffeb3b;padding:.75rem;margin-bottom:1rem}
      """;

  private LoginPage() {}

  /** Who is signing in: one choice per person. */
  static String personas(List<IdentityProvider.User> users, List<String[]> flow) {
    StringBuilder options = new StringBuilder();
    for (IdentityProvider.User user : users) {
      String roles = user.roles().size() == 1 ? user.roles().get(0).description() : user.roles().size() + " roles: you choose one next";
      options.append("<label class=\"option\"><input type=\"radio\" name=\"user\" required value=\"").append(esc(user.id())).append("\">")
          .append(esc(user.name())).append("<span class=\"hint\">").append(esc(roles)).append("</span></label>");
    }
    return page("Sign in (demo identity provider)", form(flow, "Who are you signing in as?", options.toString(), "Continue"));
  }

  /** Which role a person with several roles acts in for this session. */
  static String roles(IdentityProvider.User user, List<String[]> flow) {
    StringBuilder options = new StringBuilder();
    for (AccessPolicy.Persona role : user.roles()) {
      options.append("<label class=\"option\"><input type=\"radio\" name=\"role\" required value=\"").append(esc(role.roleProfileId()))
          .append("\">").append(esc(role.description())).append("<span class=\"hint\">Role profile ").append(esc(role.roleProfileId()))
          .append(" at ").append(esc(role.org())).append("</span></label>");
    }
    return page("Choose your role (demo identity provider)",
        form(flow, esc(user.name()) + ": which role are you working in?", options.toString(), "Sign in in this role"));
  }

  static String problem(String message) {
    return page("Sign-in problem (demo identity provider)", "<h1>There is a problem with this sign-in</h1><p>" + esc(message) + "</p>");
  }

  private static String form(List<String[]> flow, String legend, String options, String button) {
    StringBuilder hidden = new StringBuilder();
    for (String[] field : flow) {
      hidden.append("<input type=\"hidden\" name=\"").append(esc(field[0])).append("\" value=\"").append(esc(field[1])).append("\">");
    }
    return "<form method=\"post\" action=\"" + IdentityProviderRoutes.BASE + "/authorize\">" + hidden
        + "<fieldset><legend><h1>" + legend + "</h1></legend>" + options + "</fieldset><button type=\"submit\">" + button
        + "</button></form>";
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<title>" + esc(title) + "</title><link rel=\"stylesheet\" href=\"" + IdentityProviderRoutes.BASE + "/style.css\"></head><body>"
        + "<header><p>Simulated NHS Care Identity Service</p></header><main>"
        + "<p class=\"warning\">Demo only: this stands in for NHS CIS2. No smartcard, no password; every persona is synthetic.</p>"
        + body + "</main></body></html>";
  }

  static String esc(String s) {
    return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
