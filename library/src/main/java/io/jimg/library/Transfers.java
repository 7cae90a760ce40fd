package io.jimg.library;

import io.jimg.images.Cancellation;
import io.jimg.images.CreateOptions;
import io.jimg.images.Image;
import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.runtime.ProvisionResult;
import io.jimg.transfer.Exporter;
import io.jimg.transfer.Importer;
import io.jimg.transfer.http.Fetcher;
import io.jimg.transfer.http.HttpOptions;
import io.jimg.transfer.oci.AuthFiles;
import io.jimg.transfer.oci.ImageReference;
import io.jimg.transfer.oci.pull.OciEnvironment;
import io.jimg.transfer.oci.pull.OciPullOptions;
import io.jimg.transfer.oci.pull.OciPuller;
import io.jimg.transfer.oci.push.OciPusher;
import io.jimg.transfer.oci.push.PushOptions;
import io.jimg.transfer.oci.push.Pushed;
import io.jimg.transfer.pull.ImageFormat;
import io.jimg.transfer.pull.ImageStorePullStore;
import io.jimg.transfer.pull.PullOptions;
import io.jimg.transfer.pull.Puller;
import io.jimg.transfer.pull.StoreUnpacker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The long operations of a {@link Jimg}, each started as a {@link Transfer} on a thread of its own, and the registry
 * of those running: {@link #list()}, {@link #get(long)}, {@link #cancel(long)}. Every call returns at once with the
 * transfer; {@link Transfer#await()} gives its result. Safe for use from many threads.
 *
 * <p>Each call below names, in a comment, the seam its work will take the transfer's {@link Cancellation} through:
 * until the loops check it, a cancel asks and waits for the work's own end.
 */
public final class Transfers {
  private final ImageStore store;
  private final Roots roots;
  private final Jimg.Policy policy;
  private final Registry registry;

  Transfers(ImageStore store, Roots roots, Jimg.Policy policy, Registry registry) {
    this.store = store;
    this.roots = roots;
    this.policy = policy;
    this.registry = registry;
  }

  /** Unpacks a tar archive (compressed or not) into the new image {@code name} (null: from the file's name). */
  public Transfer<Image> importTar(Path file, String name, ImportRequest options) {
    return importing(Transfer.Type.IMPORT_TAR, name, file.toString(), options, i -> i.importTar(file, name));
  }

  /** As above, from a stream (standard input, say), which it reads to its end. */
  public Transfer<Image> importTar(InputStream in, String name, ImportRequest options) {
    return importing(Transfer.Type.IMPORT_TAR, name, null, options, i -> i.importTar(in, name));
  }

  /** Copies a raw or qcow2 disk image (compressed or not) into the new image {@code name}.raw. */
  public Transfer<Image> importRaw(Path file, String name, ImportRequest options) {
    return importing(Transfer.Type.IMPORT_RAW, name, file.toString(), options, i -> i.importRaw(file, name));
  }

  public Transfer<Image> importRaw(InputStream in, String name, ImportRequest options) {
    return importing(Transfer.Type.IMPORT_RAW, name, null, options, i -> i.importRaw(in, name));
  }

  /** Copies a directory tree into the new image {@code name} (null: the directory's name). */
  public Transfer<Image> importFs(Path directory, String name, ImportRequest options) {
    return importing(Transfer.Type.IMPORT_FS, name, directory.toString(), options, i -> i.importFs(directory, name));
  }

  /** Writes the image {@code name} as a tar archive to {@code file}, atomically. */
  public Transfer<Void> exportTar(String name, Path file, ExportRequest options) {
    return exporting(Transfer.Type.EXPORT_TAR, name, file.toString(), options, e -> e.exportTar(name, file));
  }

  /** As above, to a stream (standard output, say), which it closes. */
  public Transfer<Void> exportTar(String name, OutputStream out, ExportRequest options) {
    return exporting(Transfer.Type.EXPORT_TAR, name, null, options, e -> e.exportTar(name, out));
  }

  public Transfer<Void> exportRaw(String name, Path file, ExportRequest options) {
    return exporting(Transfer.Type.EXPORT_RAW, name, file.toString(), options, e -> e.exportRaw(name, file));
  }

  public Transfer<Void> exportRaw(String name, OutputStream out, ExportRequest options) {
    return exporting(Transfer.Type.EXPORT_RAW, name, null, options, e -> e.exportRaw(name, out));
  }

  /**
   * Downloads, verifies and unpacks {@code url} into the image {@code name} (null: from the URL's file name), with
   * the root's proxies, keyrings, lock directory and clock; {@code caFile}, where not null, adds the PEM certificates
   * HTTPS trusts. Its type is pull-raw where the options or the URL's suffix say raw, else pull-tar (a URL that says
   * neither is refused at once).
   */
  public Transfer<Puller.Pulled> pull(URI url, String name, PullOptions options, Path caFile, boolean ignoreZeros) {
    ImageFormat format = options.format() != null ? options.format() : ImageFormat.ofFileName(String.valueOf(url.getPath()));
    Transfer.Type type = format == ImageFormat.RAW ? Transfer.Type.PULL_RAW : Transfer.Type.PULL_TAR;
    return registry.start(type, name, url.toString(), (cancellation, listener) -> {
      Fetcher fetcher = new Fetcher(HttpOptions.defaults().withEnvironment(policy.environment()).withCaFile(caFile));
      ImageStorePullStore pullStore =
          new ImageStorePullStore(store, new StoreUnpacker(store, options.sizeMax(), ignoreZeros, listener));
      return new Puller(pullStore, fetcher, policy.keyringRoot(), policy.pullLockDirectory(), policy.clock(), listener)
          .pull(url, name, options, cancellation);
    });
  }

  /**
   * Pulls the OCI image {@code reference} ({@code docker://…}, {@code oci:DIR[:TAG]}, {@code oci-archive:FILE[:TAG]})
   * into the image {@code name} (null: the repository's last component), with the root's environment (proxies,
   * credential files), registries.conf root and lock directory. A transfer of type pull-oci.
   */
  public Transfer<OciPuller.Pulled> pullOci(ImageReference reference, String name, OciPullOptions options) {
    return registry.start(Transfer.Type.PULL_OCI, name, reference.toString(), (cancellation, listener) ->
        new OciPuller(store, new OciEnvironment(policy.environment(), home(), uid(), policy.containersConfigRoot()),
            policy.pullLockDirectory(), listener).pull(reference, name, options, cancellation));
  }

  /**
   * Pushes the image {@code name} to {@code target} ({@code docker://REGISTRY/REPOSITORY:TAG} or {@code oci:DIR:TAG})
   * as a one-layer OCI image, with the root's environment for proxies; where {@code options} carry no credentials,
   * those podman and docker keep for the registry ({@code $REGISTRY_AUTH_FILE}, {@code auth.json},
   * {@code ~/.docker/config.json}) are used, found from the root's environment.
   */
  public Transfer<Pushed> push(String name, ImageReference target, PushOptions options) {
    return registry.start(Transfer.Type.PUSH_OCI, name, target.toString(), (cancellation, listener) -> {
      PushOptions push = options.withEnvironment(policy.environment());
      if (push.credentials() == null && push.authFiles() == null) {
        push = push.withCredentials(null, new AuthFiles(policy.environment(), home(), uid()));
      }
      return OciPusher.builder(store).listener(listener).cancellation(cancellation).build().push(name, target, push);
    });
  }

  /** Where the credential files are: the root's environment's HOME, else this process's user's home. */
  private Path home() {
    String home = policy.environment().get("HOME");
    return Path.of(home == null || home.isEmpty() ? System.getProperty("user.home") : home);
  }

  /** This process's uid, for podman's /run/containers/UID/auth.json. */
  private static int uid() {
    return (int) new com.sun.security.auth.module.UnixSystem().getUid();
  }

  /** Makes the fleet {@code prefix<start>} … of clones of {@code template}, all or none (see {@code Provisioner}). */
  public Transfer<ProvisionResult> provision(String template, int count, String prefix, int start) {
    return registry.start(Transfer.Type.PROVISION, prefix, template,
        (cancellation, listener) -> roots.provisioner().provision(template, count, prefix, start, cancellation));
  }

  /** Clones {@code source} as {@code target}: a snapshot on btrfs, else a reflink or a faithful copy. */
  public Transfer<Image> clone(String source, String target, boolean readOnly) {
    return registry.start(Transfer.Type.CLONE, target, source,
        (cancellation, listener) -> store.clone(source, target, new CreateOptions(false, readOnly), cancellation));
  }

  /** The transfers running now, oldest first. */
  public List<Transfer<?>> list() {
    return registry.list();
  }

  public Optional<Transfer<?>> get(long id) {
    return registry.get(id);
  }

  /** Cancels the transfer {@code id} and waits until it has ended; NOT_FOUND where no such transfer runs. */
  public void cancel(long id) throws JimgException {
    registry.get(id).orElseThrow(() -> new JimgException(JimgException.Reason.NOT_FOUND,
        "no transfer " + id + " is running")).cancel();
  }

  /** The registry itself, for tests that start work of their own. */
  Registry registry() {
    return registry;
  }

  /** One call on an importer. */
  @FunctionalInterface
  private interface ImportCall {
    Image on(Importer importer) throws IOException;
  }

  /** One call on an exporter. */
  @FunctionalInterface
  private interface ExportCall {
    void on(Exporter exporter) throws IOException;
  }

  private Transfer<Image> importing(Transfer.Type type, String name, String remote, ImportRequest options,
      ImportCall call) {
    return registry.start(type, name, remote, (cancellation, listener) -> {
      Importer.Builder importer = Importer.builder(store).force(options.force())
          .readOnly(options.readOnly()).sizeMax(options.sizeMax()).ignoreZeros(options.ignoreZeros())
          .keepSelinuxLabels(options.keepSelinuxLabels()).listener(listener).cancellation(cancellation);
      return call.on(importer.build());
    });
  }

  private Transfer<Void> exporting(Transfer.Type type, String name, String remote, ExportRequest options,
      ExportCall call) {
    return registry.start(type, name, remote, (cancellation, listener) -> {
      Exporter.Builder exporter = Exporter.builder(store).format(options.format()).listener(listener);
      if (options.mode() >= 0) {
        exporter.mode(options.mode());
      }
      call.on(exporter.cancellation(cancellation).build());
      return null;
    });
  }
}
