package io.jimg.transfer.pull;

import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/** A pull in a process of its own, for tests of pulls racing across processes: URL NAME POOL LOCKS KEYRING. */
public final class PullProcess {
  private PullProcess() {}

  public static void main(String[] args) throws Exception {
    FakePullStore store = new FakePullStore(Path.of(args[2]));
    // Its own environment, not the host's: a proxy set on the machine running the tests must not reroute the pull.
    Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(Map.of()));
    Puller puller = new Puller(store, fetcher, Path.of("/nonexistent"), Path.of(args[3]), Clock.systemUTC(),
        StoreListener.NONE);
    try {
      Puller.Pulled pulled = puller.pull(URI.create(args[0]), args[1],
          PullOptions.builder().keyrings(List.of(Path.of(args[4]))).build());
      System.out.println(pulled.fromCache() ? "cache" : "download");
    } catch (JimgException e) {
      System.out.println(e.getMessage());
      System.exit(e.reason().exitCode());
    }
  }
}
