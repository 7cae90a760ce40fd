package io.jimg.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Commands;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input of the wrong kind is named for what it is: a text file, a disk or filesystem image given as a tar archive. */
class WrongKindOfInputTest {
  @TempDir Path files;
  @TempDir Path pool;

  private JimgRunner.Result jimg(String... args) {
    return new JimgRunner().runIn(pool, args);
  }

  private void assertRefusedAsTar(Path input, String message) throws Exception {
    JimgRunner.Result result = jimg("import-tar", input.toString(), "x");
    assertEquals(1, result.exitCode(), result::toString);
    assertEquals("jimg: " + message + "\n", result.err());
    assertFalse(Files.exists(pool.resolve("x")));
  }

  @Test
  void importTarOfATextFileSaysItIsNoTarArchive() throws Exception {
    Path text = Files.writeString(files.resolve("notes.tar"), "hello, this is text\n");
    assertRefusedAsTar(text, "not a tar archive (starts with \"hello, this is t\")");
  }

  @Test
  void importTarOfAnExt4ImageNamesItAndTheVerbThatTakesIt() throws Exception {
    Path disk = files.resolve("ext4.img");
    Commands.run("truncate", "-s", "16M", disk.toString());
    Commands.run("mkfs.ext4", "-q", "-F", disk.toString());
    assertRefusedAsTar(disk, "not a tar archive but an ext2/3/4 filesystem (superblock at byte 1024): "
        + "import-raw and pull-raw take disk images");
  }

  @Test
  void importTarOfAPartitionedDiskNamesItsPartitionTable() throws Exception {
    byte[] sector = new byte[4096];
    sector[450] = (byte) 0xee; // the protective MBR's one partition, in front of a GPT
    sector[510] = 0x55;
    sector[511] = (byte) 0xaa;
    System.arraycopy("EFI PART".getBytes(StandardCharsets.US_ASCII), 0, sector, 512, 8);
    Path disk = Files.write(files.resolve("gpt.img"), sector);
    assertRefusedAsTar(disk, "not a tar archive but a disk image with a GPT partition table: "
        + "import-raw and pull-raw take disk images");
  }

  @Test
  void importTarOfQcow2NamesIt() throws Exception {
    Path image = files.resolve("disk.qcow2");
    Commands.run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "1G");
    assertRefusedAsTar(image, "not a tar archive but a qcow2 disk image: import-raw and pull-raw take disk images");
  }

  @Test
  void importRawOfATinyTextFileWarnsButImports() throws Exception {
    Path text = Files.writeString(files.resolve("notes.txt"), "a 19-byte text file");
    JimgRunner.Result result = jimg("import-raw", text.toString(), "notes");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("jimg: warning: " + text + ": it starts with text (\"a 19-byte text f\"), "
        + "not a disk image\n"), result::toString);
    assertTrue(Files.exists(pool.resolve("notes.raw")));
  }

  @Test
  void pullRawOfATarXzWarnsThatItIsATarArchive() throws Exception {
    Path tree = Files.createDirectory(files.resolve("tree"));
    Files.writeString(tree.resolve("hello"), "world");
    Path archive = files.resolve("root.tar.xz");
    Commands.run("tar", "-C", tree.toString(), "-cJf", archive.toString(), ".");
    JimgRunner.Result result = jimg("pull-raw", "--verify=no", archive.toUri().toString(), "root");
    assertEquals(0, result.exitCode(), result::toString);
    assertTrue(result.err().contains("it is a tar archive, not a disk image: import-tar and pull-tar take tar archives"),
        result::toString);
  }
}
