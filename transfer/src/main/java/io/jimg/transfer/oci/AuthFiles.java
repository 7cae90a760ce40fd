package io.jimg.transfer.oci;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.WrongFileType;
import io.jimg.images.JimgException.Reason;
import io.jimg.images.JimgException;
import io.jimg.transfer.oci.registry.Credentials;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The registry credentials podman and docker keep, looked up as containers/image's pkg/docker/config does:
 * {@code $REGISTRY_AUTH_FILE} alone where it is set; otherwise {@code $XDG_RUNTIME_DIR/containers/auth.json} (or
 * {@code /run/containers/UID/auth.json}), {@code $XDG_CONFIG_HOME/containers/auth.json} (or
 * {@code ~/.config/…}), {@code $DOCKER_CONFIG/config.json} (or {@code ~/.docker/config.json}) and the legacy
 * {@code ~/.dockercfg}; the first file with an entry for the repository wins. The environment and home directory
 * are the caller's (the library's environment map), never read from the process here.
 */
public final class AuthFiles {
  static final int FILE_MAX = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One file to look in; {@code legacy} is the .dockercfg format (registries at the top, no "auths"). */
  public record AuthFile(Path path, boolean legacy) {}

  /** Credentials and the file they came from. */
  public record Found(Credentials credentials, Path source) {}

  private final List<AuthFile> files;

  public AuthFiles(Map<String, String> environment, Path home, int uid) {
    this.files = List.copyOf(files(environment, home, uid));
  }

  private static List<AuthFile> files(Map<String, String> environment, Path home, int uid) {
    String explicit = environment.get("REGISTRY_AUTH_FILE");
    if (explicit != null && !explicit.isEmpty()) {
      return List.of(new AuthFile(Path.of(explicit), false));
    }
    List<AuthFile> files = new ArrayList<>();
    String runtime = environment.get("XDG_RUNTIME_DIR");
    files.add(new AuthFile(runtime == null || runtime.isEmpty()
        ? Path.of("/run/containers", Integer.toUnsignedString(uid), "auth.json")
        : Path.of(runtime, "containers", "auth.json"), false));
    String config = environment.get("XDG_CONFIG_HOME");
    files.add(new AuthFile((config == null || config.isEmpty() ? home.resolve(".config") : Path.of(config))
        .resolve("containers/auth.json"), false));
    String docker = environment.get("DOCKER_CONFIG");
    files.add(new AuthFile(docker == null || docker.isEmpty() ? home.resolve(".docker/config.json")
        : Path.of(docker, "config.json"), false));
    files.add(new AuthFile(home.resolve(".dockercfg"), true));
    return files;
  }

  /** The files looked in, in order. */
  public List<AuthFile> files() {
    return files;
  }

  /**
   * The credentials for {@code reference}'s repository: in each file, the most specific key first
   * ({@code registry/namespace/repo}, then {@code registry/namespace}, then {@code registry}), then the keys
   * written as URLs ({@code https://index.docker.io/v1/}); empty where no file has any. A credential helper the
   * file sends jimg to is an error naming it: jimg runs none.
   */
  public Optional<Found> find(DockerReference reference) throws JimgException {
    for (AuthFile file : files) {
      JsonNode root = read(file.path());
      if (root == null) {
        continue;
      }
      Optional<Credentials> found = AuthEntries.lookup(root, file, reference);
      if (found.isPresent()) {
        return Optional.of(new Found(found.get(), file.path()));
      }
    }
    return Optional.empty();
  }

  /** The file's JSON; null where it is missing. A symlink, a device or a file over 1 MiB is an error. */
  private static JsonNode read(Path path) throws JimgException {
    byte[] content;
    try (Fd directory = Fd.openDirectory(path.getParent())) {
      content = RegularFiles.read(directory, FileNames.bytes(path.getFileName().toString()), FILE_MAX);
    } catch (WrongFileType e) {
      throw new JimgException(Reason.FAILED, "cannot read credentials from " + e.getMessage()
          + " (jimg reads a regular file there, never through a symbolic link)", e);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT) || e.is(Linux.ENOTDIR)) {
        return null;
      }
      throw new JimgException(Reason.FAILED, "cannot read credentials from " + path + ": "
          + (e.is(Linux.EFBIG) ? "it is larger than 1 MiB" : e.getMessage()), e);
    }
    try {
      JsonNode root = JSON.readTree(content);
      if (root == null || !root.isObject()) {
        throw new JimgException(Reason.FAILED, "cannot read credentials from " + path + ": not a JSON object");
      }
      return root;
    } catch (JacksonException e) {
      throw new JimgException(Reason.FAILED, "cannot read credentials from " + path + ": not valid JSON ("
          + e.getOriginalMessage().lines().findFirst().orElse("") + ")", e);
    } catch (IOException e) {
      throw new JimgException(Reason.FAILED, "cannot read credentials from " + path + ": " + e.getMessage(), e);
    }
  }
}
