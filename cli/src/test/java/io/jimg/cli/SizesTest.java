package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizesTest {
  @ParameterizedTest
  @CsvSource({
      "0, 0",
      "4096, 4096",
      "512B, 512",
      "1K, 1024",
      "1k, 1024",
      "100M, 104857600",
      "20G, 21474836480",
      "20GiB, 21474836480",
      "2T, 2199023255552",
      "1.5G, 1610612736",
      "0.5K, 512",
      "none, -1",
      "NONE, -1",
      "infinity, -1",
      "7E, 8070450532247928832",
  })
  void parsesPowersOf1024(String text, long bytes) {
    assertEquals(bytes, Sizes.parse(text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "G", "-1", "-5G", "1.5", "10Q", "1 0", "abc", "1GG", "10iB", "0x10", "1e3", "1.G", ".5G"})
  void rejectsGarbage(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertTrue(e.getMessage().contains("'" + text + "'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"8E", "9223372036854775808", "100000000000T"})
  void rejectsSizesBeyondALong(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sizes.parse(text));
    assertTrue(e.getMessage().startsWith("size too large"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({
      "-1, -",
      "0, 0B",
      "1023, 1023B",
      "1024, 1.0K",
      "1535, 1.4K",
      "1536, 1.5K",
      "186960896, 178.2M",
      "1073741823, 1023.9M",
      "1073741824, 1.0G",
      "21474836480, 20.0G",
      "9223372036854775807, 7.9E",
  })
  void formatsWithOneTruncatedDecimal(long bytes, String text) {
    assertEquals(text, Sizes.format(bytes));
  }
}
