package io.jimg.library;

import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.StoreListener;
import io.jimg.runtime.spi.ImageFetcher;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.pull.OciPullOptions;
import io.jimg.transfer.pull.PullOptions;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;

/**
 * Pulls the images {@code @EphemeralRoot(pull = …)} names; found by {@link java.util.ServiceLoader}, not for
 * direct use (a program pulls with {@link Transfers#pull}). It pulls as {@code jimg pull --force} does, into the
 * test's own store, with the root's default policy and the test JVM's environment for proxies: the pull cache
 * makes the replacement a snapshot where the server says the file is unchanged, and the per-URL lock makes a
 * second test JVM wait for the first. A source with an OCI transport ({@code docker://…}, {@code oci:…},
 * {@code oci-archive:…}) is pulled as {@code jimg pull --force} pulls it, its layers shared with the store's.
 */
public final class PullingImageFetcher implements ImageFetcher {
  @Override
  public String fetch(ImageStore store, String source, String name, String verify) throws IOException {
    Jimg.Policy policy = new Jimg.Policy(System.getenv(), Jimg.PULL_LOCK_DIRECTORY, Jimg.KEYRING_ROOT,
        Jimg.CONTAINERS_CONFIG_ROOT, Clock.systemUTC());
    Transfers transfers = new Transfers(store, new Roots(store, policy.clock()), policy,
        new Registry(JimgListener.of(StoreListener.NONE)));
    try {
      if (ImageReference.hasTransport(source)) {
        // The digests verify an OCI image: verify names the checks of a download from a URL.
        return transfers.pullOci(ImageReference.parse(source), name, OciPullOptions.defaults().withForce(true))
            .await().name();
      }
      return transfers.pull(url(source), name, PullOptions.builder().verify(verify).force(true).build(), null,
          false).await().name();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while pulling " + source);
    }
  }

  private static URI url(String source) throws JimgException {
    try {
      return new URI(source);
    } catch (URISyntaxException e) {
      throw new JimgException(JimgException.Reason.USAGE, "not a URL: " + source + " (" + e.getReason() + ")");
    }
  }
}
