package io.jimg.transfer.oci.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.ExecSettings;
import io.jimg.images.JimgException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The settings a config stands for, read back as nspawn reads them (systemd's config parser: one {@code KEY=VALUE}
 * a line, the value trimmed; {@code Parameters=} and {@code Environment=} split into words by
 * {@code extract_first_word} with EXTRACT_UNQUOTE|EXTRACT_RETAIN_ESCAPE), so that every argument and variable
 * comes back exactly and no value adds a line or a section.
 */
class NspawnSettingsTest {
  @Test
  void theFieldsSystemd260Writes() throws JimgException {
    String text = NspawnSettings.of(List.of("/bin/sh", "-c"), List.of("echo hi"), List.of("PATH=/usr/bin", "A=b c"),
        "daemon", "/srv");
    assertEquals("# Generated from OCI configuration object\n[Exec]\nBoot=no\nUser=daemon\nWorkingDirectory=/srv\n"
        + "Environment=PATH=/usr/bin\nEnvironment=\"A=b c\"\nParameters=/bin/sh -c \"echo hi\"\n", text);
  }

  @Test
  void rootAndTheRootDirectoryAreLeftOut() throws JimgException {
    assertEquals("# Generated from OCI configuration object\n[Exec]\nBoot=no\n",
        NspawnSettings.of(null, List.of(), null, "root", "/"));
    assertTrue(!NspawnSettings.of(null, null, null, "0", null).contains("User="));
  }

  @Test
  void everyArgumentComesBackAsItWas() throws JimgException {
    List<String> arguments = List.of("", "plain", "two words", "it's", "say \"hi\"", "back\\slash\\", "\"", "'",
        "tab-free $HOME `cmd` ; # not a comment", "ünïcödé", "%h %n", "a\"'b");
    String text = NspawnSettings.of(arguments.subList(0, 3), arguments.subList(3, arguments.size()),
        List.of("X=\"quoted\" \\ value"), null, null);
    assertEquals(arguments, ExecSettings.words(value(text, "Parameters"), "Parameters"));
    assertEquals(List.of("X=\"quoted\" \\ value"), ExecSettings.words(value(text, "Environment"), "Environment"));
  }

  @Test
  void anUnclosedQuoteIsRefusedWhenReadBack() {
    JimgException e = assertThrows(JimgException.class, () -> ExecSettings.words("a \"b", "x.nspawn"));
    assertTrue(e.getMessage().contains("x.nspawn: an unclosed quote"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\nBoot=yes", "a\n[Network]", "nul\0", "cr\r", "bell\u0007", "del\u007f"})
  void aValueCannotAddALineOrASection(String hostile) {
    assertRefused(() -> NspawnSettings.of(List.of(hostile), null, null, null, null), "control character");
    assertRefused(() -> NspawnSettings.of(null, List.of("ok", hostile), null, null, null), "control character");
    assertRefused(() -> NspawnSettings.of(null, null, List.of("A=" + hostile), null, null), "control character");
    assertRefused(() -> NspawnSettings.of(null, null, null, hostile, null), "control character");
    assertRefused(() -> NspawnSettings.of(null, null, null, null, "/" + hostile), "control character");
  }

  @Test
  void oddValuesAreRefused() {
    assertRefused(() -> NspawnSettings.of(null, null, List.of("NOEQUALS"), null, null), "no NAME=VALUE");
    assertRefused(() -> NspawnSettings.of(null, null, List.of("=value"), null, null), "no NAME=VALUE");
    assertRefused(() -> NspawnSettings.of(null, null, null, null, "relative/dir"), "no absolute path");
    assertRefused(() -> NspawnSettings.of(null, null, null, " daemon", null), "whitespace");
    assertRefused(() -> NspawnSettings.of(null, List.of("\ud800"), null, null, null), "broken text");
  }

  @Test
  void absurdSizesAreRefused() {
    assertRefused(() -> NspawnSettings.of(List.of("x".repeat(NspawnSettings.LINE_MAX)), null, null, null, null),
        "longer than");
    List<String> many = new ArrayList<>();
    for (int i = 0; i <= ExecSettings.LIST_MAX; i++) {
      many.add("A" + i + "=1");
    }
    assertRefused(() -> NspawnSettings.of(null, null, many, null, null), "more than 4096");
    List<String> big = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      big.add("V" + i + "=" + "x".repeat(200_000));
    }
    assertRefused(() -> NspawnSettings.of(null, null, big, null, null), "more than 1024 KiB");
  }

  private static void assertRefused(org.junit.jupiter.api.function.Executable call, String why) {
    JimgException e = assertThrows(JimgException.class, call);
    assertEquals(JimgException.Reason.FAILED, e.reason());
    assertTrue(e.getMessage().contains(why), "'" + e.getMessage() + "' should contain '" + why + "'");
  }

  /** The values of every {@code KEY=} line, joined as nspawn's list settings add up; the text has one section. */
  private static String value(String text, String key) {
    List<String> values = new ArrayList<>();
    int sections = 0;
    for (String line : text.split("\n", -1)) {
      if (line.startsWith("[")) {
        sections++;
      } else if (line.startsWith(key + "=")) {
        values.add(line.substring(key.length() + 1).strip());
      }
    }
    assertEquals(1, sections, text);
    return String.join(" ", values);
  }
}
