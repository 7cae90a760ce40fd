package io.jimg.transfer.oci;

import io.jimg.images.ImageStore;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import io.jimg.transfer.DerivedImageName;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where an OCI image is, written as skopeo and podman write it: {@code docker://[REGISTRY[:PORT]/]REPOSITORY[:TAG]
 * [@sha256:DIGEST]} (a registry), {@code oci:DIR[:TAG]} (an image layout directory) or {@code oci-archive:FILE[:TAG]}
 * (a tar of one). As containers/image splits the local forms, the path ends at the first ':', so it cannot hold
 * one, and the tag may.
 */
public final class ImageReference {
  /** The transports, by the prefix that names them. */
  public enum Transport {
    DOCKER("docker://"), OCI("oci:"), OCI_ARCHIVE("oci-archive:");

    private final String prefix;

    Transport(String prefix) {
      this.prefix = prefix;
    }

    public String prefix() {
      return prefix;
    }
  }

  /**
   * A tag in a layout's index ({@code org.opencontainers.image.ref.name}), as the OCI image-layout specification
   * writes its grammar: components of letters and digits joined by separators, components joined by '/'.
   */
  private static final Pattern LAYOUT_TAG = Pattern.compile(
      "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*");

  private final Transport transport;
  private final DockerReference docker;
  private final Path path;
  private final String tag;

  private ImageReference(Transport transport, DockerReference docker, Path path, String tag) {
    this.transport = transport;
    this.docker = docker;
    this.path = path;
    this.tag = tag;
  }

  /** Parses a reference with its transport; USAGE saying what is wrong otherwise. */
  public static ImageReference parse(String text) throws JimgException {
    if (text != null && text.startsWith(Transport.DOCKER.prefix)) {
      String name = text.substring(Transport.DOCKER.prefix.length());
      return new ImageReference(Transport.DOCKER, DockerReference.parse(name), null, null);
    }
    for (Transport local : new Transport[] {Transport.OCI, Transport.OCI_ARCHIVE}) {
      if (text != null && text.startsWith(local.prefix)) {
        return local(text, local);
      }
    }
    throw new JimgException(Reason.USAGE, "'" + Untrusted.shown(text) + "' names no image transport: write"
        + " docker://[REGISTRY/]REPOSITORY[:TAG], oci:DIR[:TAG] or oci-archive:FILE[:TAG]");
  }

  /** Whether {@code text} starts with one of the transports, so that it is meant as an OCI reference. */
  public static boolean hasTransport(String text) {
    for (Transport transport : Transport.values()) {
      if (text.startsWith(transport.prefix)) {
        return true;
      }
    }
    return false;
  }

  private static ImageReference local(String text, Transport transport) throws JimgException {
    String rest = text.substring(transport.prefix.length());
    int colon = rest.indexOf(':');
    String file = colon < 0 ? rest : rest.substring(0, colon);
    String tag = colon < 0 ? null : rest.substring(colon + 1);
    String what = transport == Transport.OCI ? "directory" : "file";
    if (file.isEmpty()) {
      throw new JimgException(Reason.USAGE, "invalid image reference '" + Untrusted.shown(text) + "': the " + what
          + " is missing (" + transport.prefix + (transport == Transport.OCI ? "DIR" : "FILE") + "[:TAG])");
    }
    if (tag != null && (tag.length() > ReferenceGrammar.TAG_LENGTH_MAX * 2 || !LAYOUT_TAG.matcher(tag).matches())) {
      throw new JimgException(Reason.USAGE, "invalid image reference '" + Untrusted.shown(text) + "': '"
          + Untrusted.shown(tag) + "' is not a valid tag in an image layout (letters and digits, joined by '.', '_',"
          + " '-', ':', '@', '+' or '/'; the " + what + " ends at the first ':')");
    }
    try {
      return new ImageReference(transport, null, Path.of(file), tag);
    } catch (java.nio.file.InvalidPathException e) {
      throw new JimgException(Reason.USAGE, "invalid image reference '" + Untrusted.shown(text) + "': the " + what
          + " is no valid path (" + e.getReason() + ")");
    }
  }

  public Transport transport() {
    return transport;
  }

  /** The registry reference of a {@code docker://} reference; empty for the local transports. */
  public Optional<DockerReference> docker() {
    return Optional.ofNullable(docker);
  }

  /** The layout directory or archive file of {@code oci:} and {@code oci-archive:}; empty for docker://. */
  public Optional<Path> path() {
    return Optional.ofNullable(path);
  }

  /** The tag in a local layout; empty where none was written (then the layout must hold exactly one image). */
  public Optional<String> layoutTag() {
    return Optional.ofNullable(tag);
  }

  /**
   * The image name a pull gives where none is asked for: the repository's last component, or the layout's
   * directory or archive name without its archive suffixes (as an imported file's name is derived); USAGE where
   * that is no acceptable image name.
   */
  public String defaultImageName() throws JimgException {
    String name = docker != null ? docker.lastComponent() : DerivedImageName.fromFileName(path.toString());
    ImageStore.checkNewName(name);
    return name;
  }

  @Override
  public String toString() {
    return transport.prefix + (docker != null ? docker : path + (tag == null ? "" : ":" + tag));
  }
}
