package io.jimg.btrfs.testing;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequirementsTest {
  @Test
  void missingRequirementFailsUnderCiAndSaysWhat() {
    AssertionFailedError failure =
        assertThrows(AssertionFailedError.class, () -> Requirements.require(false, "the tool 'frobnicate'", true));
    assertTrue(failure.getMessage().contains("the tool 'frobnicate'"), failure.getMessage());
  }

  @Test
  void missingRequirementSkipsOutsideCi() {
    TestAbortedException skip =
        assertThrows(TestAbortedException.class, () -> Requirements.require(false, "root", false));
    assertTrue(skip.getMessage().contains("root"), skip.getMessage());
  }

  @Test
  void satisfiedRequirementDoesNothing() {
    assertDoesNotThrow(() -> Requirements.require(true, "anything", true));
    assertDoesNotThrow(() -> Requirements.require(true, "anything", false));
  }

  @Test
  void findsToolsInSbinAndNotInventedOnes() {
    // mount lives in /usr/bin or /bin, mkfs tools in /usr/sbin: both must be found whatever PATH says.
    assertNotNull(Requirements.findTool("sh"));
    assertNull(Requirements.findTool("jimg-no-such-tool"));
    if (Files.isExecutable(java.nio.file.Path.of("/usr/sbin/losetup"))) {
      assertEquals("losetup", Requirements.findTool("losetup").getFileName().toString());
    }
  }

  @Test
  void aToolACommandRunsIsARequirement() {
    Class<? extends Throwable> missing = Requirements.isCi() ? AssertionFailedError.class : TestAbortedException.class;
    Throwable failure = assertThrows(missing, () -> Commands.exec("jimg-no-such-tool", "--version"));
    assertTrue(failure.getMessage().contains("the tool 'jimg-no-such-tool'"), failure.getMessage());
  }

  @Test
  void rootIsTheEffectiveUid() {
    String uid = Commands.run("id", "-u").trim();
    assertEquals(uid.equals("0"), Requirements.isRoot());
  }
}
