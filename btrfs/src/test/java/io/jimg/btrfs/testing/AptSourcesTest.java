package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class AptSourcesTest {
  @Test
  void deb822StanzaServingTheSuite() {
    String text = "Types: deb\n"
        + "URIs: http://mirror.example/debian-security\n"
        + "Suites: bookworm-security\n"
        + "Components: main\n"
        + "\n"
        + "Types: deb deb-src\n"
        + "# a comment\n"
        + "URIs: http://mirror.example/debian\n"
        + "Suites: bookworm bookworm-updates\n"
        + "Components: main\n";
    assertEquals("http://mirror.example/debian", AptSources.fromDeb822(text, "bookworm"));
  }

  @Test
  void deb822DisabledOrSourceOnlyStanzasAreIgnored() {
    String text = "Types: deb\nURIs: http://off.example/debian\nSuites: bookworm\nEnabled: no\n\n"
        + "Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\n";
    assertNull(AptSources.fromDeb822(text, "bookworm"));
  }

  @Test
  void oneLineWithOptionsAndComments() {
    String text = "# deb http://commented.example/debian bookworm main\n"
        + "deb-src http://src.example/debian bookworm main\n"
        + "deb http://security.example/debian-security bookworm-security main\n"
        + "deb [arch=amd64 signed-by=/k.gpg] http://mirror.example/debian bookworm main contrib\n";
    assertEquals("http://mirror.example/debian", AptSources.fromOneLine(text, "bookworm"));
  }

  @Test
  void noLineForTheSuite() {
    assertNull(AptSources.fromOneLine("deb http://mirror.example/debian trixie main\n", "bookworm"));
  }
}
