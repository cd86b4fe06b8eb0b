package io.shcr.privacy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads one code list file: {@code code<TAB>description}, one concept a line, the format of the public
 * lists in shared/reference/codes and of the official national lists an operator swaps in. Blank lines
 * and lines starting with {@code #} are skipped. Problems are reported with the file and line number.
 */
final class CodeListFile {

  private CodeListFile() {}

  static Set<String> read(Path file, String where, List<String> problems) {
    Set<String> codes = new LinkedHashSet<>();
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(where + ": cannot read code list " + file + " (" + e.getClass().getSimpleName() + ")");
      return codes;
    }
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int tab = line.indexOf('\t');
      String code = (tab >= 0 ? line.substring(0, tab) : line).strip();
      if (code.isEmpty() || code.indexOf(' ') >= 0) {
        problems.add(where + ": " + file + " line " + (i + 1) + ": expected code<TAB>description");
        continue;
      }
      codes.add(code);
    }
    if (codes.isEmpty()) {
      problems.add(where + ": code list " + file + " holds no codes");
    }
    return codes;
  }
}
