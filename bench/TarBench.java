import io.jimg.btrfs.DescriptorOutputStream;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.Linux;
import io.jimg.transfer.compress.Compression;
import io.jimg.transfer.tar.TarExport;
import io.jimg.transfer.tar.TarImport;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Drives jimg's tar import and export without the store, for bench/tar.sh:
 *   java -cp CP bench/TarBench.java import ARCHIVE DIR
 *   java -cp CP bench/TarBench.java export DIR ARCHIVE
 */
public class TarBench {
  public static void main(String[] args) throws Exception {
    if (args[0].equals("import")) {
      Path target = Files.createDirectories(Path.of(args[2]));
      try (Fd root = Fd.openDirectory(target)) {
        System.err.println(TarImport.builder().build().extract(Path.of(args[1]), root));
      }
    } else {
      Compression compression = Compression.fromFileName(args[2]);
      // As jimg export-tar opens its file: a descriptor the kernel can copy file data into.
      try (Fd root = Fd.openDirectory(Path.of(args[1]));
          OutputStream out = new DescriptorOutputStream(Fd.open(Path.of(args[2]),
              Linux.O_WRONLY | Linux.O_CREAT | Linux.O_TRUNC, 0666))) {
        System.err.println(TarExport.builder().compression(compression == null ? Compression.NONE : compression)
            .build().write(root, out));
      }
    }
  }
}
