import io.jimg.btrfs.ReadOnly;
import io.jimg.images.CreateOptions;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.PullOptions;
import io.jimg.transfer.pull.PullStore;
import io.jimg.transfer.pull.Puller;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * The transfer half of a pull, timed: checksum file, signature, download to the pool with streaming SHA-256,
 * digest check; the unpacking is skipped (a store that unpacks nothing). Usage: URL KEYRING POOL ROUNDS.
 */
public class PullTransfer {
  public static void main(String[] args) throws Exception {
    URI url = URI.create(args[0]);
    Path keyring = Path.of(args[1]);
    Path pool = Path.of(args[2]);
    int rounds = Integer.parseInt(args[3]);
    PullStore discard = new PullStore() {
      public Path pool() { return pool; }
      public boolean exists(String name) { return false; }
      public void unpack(FileChannel verified, ImageFormat format, String name, CreateOptions options) {}
      public void copy(String source, String target, ReadOnly readOnly, boolean force) {}
      public void remove(String name) {}
      public long size(String name) { return 0; }
    };
    Puller puller = new Puller(discard, new Fetcher(HttpOptions.defaults()), Path.of("/"),
        Files.createTempDirectory("jimg-bench-locks"), Clock.systemUTC(), StoreListener.NONE);
    PullOptions options = PullOptions.defaults().withKeyrings(List.of(keyring)).withKeepDownload(false)
        .withSettings(false);
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      puller.pull(url, "bench", options);
      System.out.printf("jimg transfer+verify %s: %.3f s%n", url.getPath(), (System.nanoTime() - start) / 1e9);
    }
  }
}
