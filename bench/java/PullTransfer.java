import io.jimg.btrfs.ReadOnly;
import io.jimg.images.CreateOptions;
import io.jimg.images.ImageStore;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.ImageStorePullStore;
import io.jimg.transfer.pull.PullOptions;
import io.jimg.transfer.pull.PullStore;
import io.jimg.transfer.pull.Puller;
import io.jimg.transfer.pull.Unpacker;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A pull timed in one JVM. Mode "transfer": checksum file, signature, download to the pool with streaming
 * SHA-256, digest check, no unpacking. Mode "gnutar": the same, then the real store makes the image and GNU tar
 * (as systemd-pull uses) unpacks the verified file into it, standing in for jimg's importer where that is not
 * merged yet. Usage: URL KEYRING POOL ROUNDS MODE.
 */
public class PullTransfer {
  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    Path keyring = Path.of(args[1]);
    Path pool = Path.of(args[2]);
    int rounds = Integer.parseInt(args[3]);
    boolean unpack = args.length > 4 && args[4].equals("gnutar");
    ImageStore store = ImageStore.builder().imageRoot(pool).build();
    PullStore target = unpack ? new ImageStorePullStore(store, gnuTar(store, url.getPath())) : discard(pool);
    Puller puller = new Puller(target, new Fetcher(HttpOptions.defaults()), Path.of("/"),
        Files.createTempDirectory("jimg-bench-locks"), Clock.systemUTC(), StoreListener.NONE);
    PullOptions options = PullOptions.defaults().withKeyrings(List.of(keyring)).withKeepDownload(false)
        .withSettings(false).withForce(true);
    for (int i = 0; i < rounds; i++) {
      if (unpack && target.exists("bench")) {
        store.remove(List.of("bench"));
      }
      long start = System.nanoTime();
      puller.pull(url, "bench", options);
      System.out.printf("jimg %s %s: %.3f s%n", unpack ? "pull (GNU tar unpacking)" : "transfer+verify", url.getPath(),
          (System.nanoTime() - start) / 1e9);
    }
  }

  private static Unpacker gnuTar(ImageStore store, String path) {
    String decompress = path.endsWith(".xz") ? "-J" : path.endsWith(".gz") ? "-z" : path.endsWith(".zst") ? "--zstd" : "";
    return (verified, format, name, options) -> store.createTree(name, options, (root, dir) -> {
      List<String> command = new java.util.ArrayList<>(List.of("tar", "--numeric-owner", "--xattrs", "-xpf", "-", "-C",
          dir.toString()));
      if (!decompress.isEmpty()) {
        command.add(decompress);
      }
      Process tar = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (InputStream in = Channels.newInputStream(verified); OutputStream out = tar.getOutputStream()) {
        in.transferTo(out);
      }
      try {
        if (tar.waitFor() != 0) {
          throw new java.io.IOException("tar failed");
        }
      } catch (InterruptedException e) {
        throw new java.io.IOException(e);
      }
    });
  }

  private static PullStore discard(Path pool) {
    return new PullStore() {
      public Path pool() throws java.io.IOException { return Files.createDirectories(pool); }
      public boolean exists(String name) { return false; }
      public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) {}
      public void copy(String source, String target, ReadOnly readOnly, boolean force) {}
      public void remove(String name) {}
      public long size(String name) { return 0; }
    };
  }
}
