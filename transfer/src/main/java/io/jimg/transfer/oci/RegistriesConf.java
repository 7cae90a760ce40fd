package io.jimg.transfer.oci;

import io.jimg.btrfs.DirEntry;
import io.jimg.btrfs.Fd;
import io.jimg.btrfs.FileNames;
import io.jimg.btrfs.Linux;
import io.jimg.btrfs.NativeException;
import io.jimg.btrfs.RegularFiles;
import io.jimg.btrfs.Reopen;
import io.jimg.images.JimgException;
import io.jimg.images.JimgException.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The host's registries.conf as podman reads it: {@code /etc/containers/registries.conf}, then every
 * {@code *.conf} of {@code /etc/containers/registries.conf.d/} in lexical order, each overriding what the ones
 * before it set (search registries and the short-name mode replaced, aliases and {@code [[registry]]} tables by
 * key). Files are read through their directory's descriptor, as regular files only and never through a symlink,
 * within a size bound: whoever put a symlink or a huge file there gets an error naming it.
 */
public final class RegistriesConf {
  static final String DIRECTORY = "etc/containers";
  static final String MAIN_FILE = "registries.conf";
  static final String DROP_IN_DIRECTORY = "registries.conf.d";
  static final int FILE_MAX = 1 << 20;
  static final int DROP_INS_MAX = 256;

  private final List<String> searchRegistries;
  private final Map<String, String> aliases;
  private final List<RegistryEntry> registries;
  private final String shortNameMode;
  private final List<Path> sources;

  private RegistriesConf(List<String> searchRegistries, Map<String, String> aliases, List<RegistryEntry> registries,
      String shortNameMode, List<Path> sources) {
    this.searchRegistries = List.copyOf(searchRegistries);
    this.aliases = Map.copyOf(aliases);
    this.registries = List.copyOf(registries);
    this.shortNameMode = shortNameMode;
    this.sources = List.copyOf(sources);
  }

  /** The host's configuration: what {@link #load(Path)} finds under /. */
  public static RegistriesConf load() throws JimgException {
    return load(Path.of("/"));
  }

  /** The configuration under the file system root {@code root} ("/" outside tests); empty where there is none. */
  public static RegistriesConf load(Path root) throws JimgException {
    Path directory = root.resolve(DIRECTORY);
    List<String> search = null;
    Map<String, String> aliases = new LinkedHashMap<>();
    Map<String, RegistryEntry> registries = new LinkedHashMap<>();
    String mode = null;
    List<Path> sources = new ArrayList<>();
    try (Fd containers = openDirectoryIfExists(directory)) {
      if (containers == null) {
        return new RegistriesConf(List.of(), Map.of(), List.of(), null, List.of());
      }
      List<byte[]> files = new ArrayList<>();
      files.add(FileNames.bytes(MAIN_FILE));
      for (byte[] dropIn : dropIns(containers, directory.resolve(DROP_IN_DIRECTORY))) {
        files.add(concat(DROP_IN_DIRECTORY + "/", dropIn));
      }
      for (byte[] name : files) {
        Path source = directory.resolve(FileNames.show(name));
        byte[] content = read(containers, name, source);
        if (content == null) {
          continue;
        }
        sources.add(source);
        RegistriesToml.Partial partial = RegistriesToml.parse(content, source);
        if (partial.searchRegistries() != null) {
          search = partial.searchRegistries();
        }
        if (partial.shortNameMode() != null) {
          mode = partial.shortNameMode();
        }
        aliases.putAll(partial.aliases());
        for (RegistryEntry entry : partial.registries()) {
          registries.remove(entry.prefix()); // a drop-in's table takes the place of the earlier one, and its order
          registries.put(entry.prefix(), entry);
        }
      }
    } catch (NativeException e) {
      throw new JimgException(Reason.FAILED, "cannot read " + directory + ": " + e.getMessage(), e);
    }
    return new RegistriesConf(search == null ? List.of() : search, aliases, new ArrayList<>(registries.values()),
        mode, sources);
  }

  private static Fd openDirectoryIfExists(Path directory) throws NativeException {
    try {
      return Fd.openDirectory(directory); // the path to /etc/containers is the administrator's, as written
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return null;
      }
      throw e;
    }
  }

  /** The drop-ins' names, {@code *.conf} in byte order; none where the directory is missing. */
  private static List<byte[]> dropIns(Fd containers, Path shown) throws JimgException, NativeException {
    Fd directory;
    try {
      directory = containers.openDirectory(DROP_IN_DIRECTORY);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return List.of();
      }
      throw new JimgException(Reason.FAILED, "cannot read " + shown + ": " + e.getMessage()
          + (e.is(Linux.ELOOP) || e.is(Linux.ENOTDIR) ? " (it must be a directory, not a symbolic link)" : ""), e);
    }
    List<byte[]> names = new ArrayList<>();
    try (directory) {
      for (DirEntry entry : directory.list()) {
        String name = entry.displayName();
        if (name.endsWith(".conf") && name.length() > ".conf".length()) {
          names.add(entry.name());
        }
      }
    }
    if (names.size() > DROP_INS_MAX) {
      throw new JimgException(Reason.FAILED, shown + " has " + names.size() + " drop-ins, over the " + DROP_INS_MAX
          + " jimg reads");
    }
    names.sort(Arrays::compareUnsigned);
    return names;
  }

  /** A file's bytes; null where the main file is missing. */
  private static byte[] read(Fd containers, byte[] name, Path source) throws JimgException {
    try (Fd handle = containers.resolve(name, Linux.O_PATH, 0, Linux.RESOLVE_BENEATH | Linux.RESOLVE_NO_SYMLINKS);
        Fd file = Reopen.as(handle, Linux.S_IFREG, Linux.O_RDONLY | Linux.O_NOCTTY)) {
      return RegularFiles.read(file, FILE_MAX);
    } catch (NativeException e) {
      if (e.is(Linux.ENOENT)) {
        return null;
      }
      String why = e.is(Linux.EFBIG) ? "it is larger than " + (FILE_MAX >> 20) + " MiB"
          : e.is(Linux.ELOOP) ? "it is a symbolic link, which jimg does not follow here" : e.getMessage();
      throw new JimgException(Reason.FAILED, "cannot read " + source + ": " + why, e);
    }
  }

  private static byte[] concat(String prefix, byte[] name) {
    byte[] first = FileNames.bytes(prefix);
    byte[] joined = Arrays.copyOf(first, first.length + name.length);
    System.arraycopy(name, 0, joined, first.length, name.length);
    return joined;
  }

  /** {@code unqualified-search-registries}: where a short name without an alias may be; empty where unset. */
  public List<String> searchRegistries() {
    return searchRegistries;
  }

  /** {@code [aliases]}: short name to fully qualified repository. */
  public Map<String, String> aliases() {
    return aliases;
  }

  public List<RegistryEntry> registries() {
    return registries;
  }

  /** {@code short-name-mode} as written (jimg resolves as in enforcing mode whatever it says); empty where unset. */
  public Optional<String> shortNameMode() {
    return Optional.ofNullable(shortNameMode);
  }

  /** The files read, in order: for messages. */
  public List<Path> sources() {
    return sources;
  }

  /** The {@code [[registry]]} whose prefix matches most of {@code name}, or null. */
  RegistryEntry registryFor(String name) {
    RegistryEntry best = null;
    int longest = -1;
    for (RegistryEntry entry : registries) {
      int matched = entry.match(name);
      if (matched > longest) {
        best = entry;
        longest = matched;
      }
    }
    return best;
  }
}
