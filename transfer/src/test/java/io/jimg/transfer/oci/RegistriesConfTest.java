package io.jimg.transfer.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.btrfs.testing.Requirements;
import io.jimg.images.JimgException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistriesConfTest {
  @TempDir
  Path root;

  private Path conf() throws IOException {
    return Files.createDirectories(root.resolve("etc/containers"));
  }

  private void write(String name, String content) throws IOException {
    Path file = conf().resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private DockerReference resolve(String name) throws JimgException {
    return new ShortNames(RegistriesConf.load(root)).resolve(DockerReference.parse(name));
  }

  @Test
  void debiansContainersCommonFilesGiveItsAliasesAndDockerHubOtherwise() throws Exception {
    Path installed = Path.of("/etc/containers/registries.conf.d/shortnames.conf");
    Requirements.require(Files.isRegularFile(installed), "containers-common's shortnames.conf (apt-get install skopeo)");
    Files.copy(Path.of("/etc/containers/registries.conf"), conf().resolve("registries.conf"));
    Files.createDirectories(conf().resolve("registries.conf.d"));
    Files.copy(installed, conf().resolve("registries.conf.d/shortnames.conf"));

    RegistriesConf conf = RegistriesConf.load(root);
    assertEquals("docker.io/library/debian", conf.aliases().get("debian"));
    assertTrue(conf.aliases().size() > 50, "aliases: " + conf.aliases().size());
    assertEquals("docker.io/library/debian:12", resolve("debian:12").toString());
    assertEquals("registry.fedoraproject.org/fedora", resolve("fedora").name());
    assertEquals("docker.io/library/nosuchalias", resolve("nosuchalias").name());
    assertEquals(List.of(), conf.searchRegistries());
  }

  @Test
  void noConfigurationAtAllMeansDockerHubWithLibrary() throws JimgException {
    assertEquals("docker.io/library/foo:1", resolve("foo:1").toString());
    assertEquals("docker.io/a/b", resolve("a/b").name());
    assertEquals(List.of(), RegistriesConf.load(root).sources());
  }

  @Test
  void oneSearchRegistryResolvesThereAndSeveralAreAnErrorListingThem() throws Exception {
    write("registries.conf", "unqualified-search-registries = [\"quay.io\"]\n");
    assertEquals("quay.io/foo@sha256:" + "0".repeat(64), resolve("foo@sha256:" + "0".repeat(64)).toString());
    write("registries.conf", "unqualified-search-registries = [\"docker.io\", \"quay.io\"]\n"
        + "short-name-mode = \"permissive\"\n[aliases]\n\"bar\" = \"quay.io/team/bar\"\n");
    JimgException e = assertThrows(JimgException.class, () -> resolve("foo"));
    assertEquals("the short name 'foo' could mean docker.io/library/foo, quay.io/foo; write the full name or add an"
        + " alias in /etc/containers/registries.conf.d/", e.getMessage());
    assertEquals(JimgException.Reason.USAGE, e.reason());
    assertEquals("quay.io/team/bar:2", resolve("bar:2").toString());
    assertEquals("ghcr.io/x/y", resolve("ghcr.io/x/y").name());
    assertEquals(Optional.of("permissive"), RegistriesConf.load(root).shortNameMode());
  }

  @Test
  void dropInsOverrideInLexicalOrder() throws Exception {
    write("registries.conf", "unqualified-search-registries = [\"docker.io\", \"quay.io\"]\n"
        + "[aliases]\n\"a\" = \"quay.io/a\"\n"
        + "[[registry]]\nprefix = \"quay.io\"\nlocation = \"first.example\"\n");
    write("registries.conf.d/20-b.conf", "unqualified-search-registries = [\"ghcr.io\"]\n"
        + "[[registry]]\nprefix = \"quay.io\"\nlocation = \"third.example\"\n");
    write("registries.conf.d/10-a.conf", "[aliases]\n\"a\" = \"ghcr.io/a\"\n"
        + "[[registry]]\nprefix = \"quay.io\"\nlocation = \"second.example\"\n");
    write("registries.conf.d/30-c.txt", "this is not read");
    RegistriesConf conf = RegistriesConf.load(root);
    assertEquals(List.of("ghcr.io"), conf.searchRegistries());
    assertEquals("ghcr.io/a", resolve("a").name());
    assertEquals("ghcr.io/z", resolve("z").name());
    assertEquals("third.example", RegistryRoute.of(conf, DockerReference.parse("quay.io/x")).primary().host());
    assertEquals(3, conf.sources().size());
    assertTrue(conf.sources().get(1).endsWith("10-a.conf"));
  }

  /** A mirror's location takes the prefix's place, as the primary location does (sysregistriesv2's rewrite). */
  @Test
  void theLongestPrefixRewritesTheNameAndMirrorsComeFirstInOrder() throws Exception {
    write("registries.conf", """
        [[registry]]
        prefix = "example.com"
        location = "plain.example.com"

        [[registry]]
        prefix = "example.com/team"
        location = "internal.example.com:5000/mirror/team"
        insecure = true

        [[registry.mirror]]
        location = "m1.example.com"

        [[registry.mirror]]
        location = "m2.example.com/cache"
        insecure = true

        [[registry]]
        location = "docker.io"
        [[registry.mirror]]
        location = "hub-cache.local:5000"

        [[registry]]
        prefix = "*.corp.example"
        insecure = true
        """);
    RegistriesConf conf = RegistriesConf.load(root);
    RegistryRoute route = RegistryRoute.of(conf, DockerReference.parse("example.com/team/app:1"));
    assertEquals(new RegistryRoute.Endpoint("internal.example.com:5000", "mirror/team/app", true), route.primary());
    assertEquals(List.of(new RegistryRoute.Endpoint("m1.example.com", "app", false),
        new RegistryRoute.Endpoint("m2.example.com", "cache/app", true), route.primary()), route.pullOrder());
    assertEquals(new RegistryRoute.Endpoint("plain.example.com", "teamx/app", false),
        RegistryRoute.of(conf, DockerReference.parse("example.com/teamx/app")).primary());

    RegistryRoute hub = RegistryRoute.of(conf, DockerReference.parse("debian"));
    assertEquals(new RegistryRoute.Endpoint("registry-1.docker.io", "library/debian", false), hub.primary());
    assertEquals(new RegistryRoute.Endpoint("hub-cache.local:5000", "library/debian", false), hub.mirrors().get(0));

    RegistryRoute wildcard = RegistryRoute.of(conf, DockerReference.parse("reg.corp.example/a/b"));
    assertEquals(new RegistryRoute.Endpoint("reg.corp.example", "a/b", true), wildcard.primary());
    assertFalse(RegistryRoute.of(conf, DockerReference.parse("corp.example/a")).primary().insecure());
    assertEquals(new RegistryRoute.Endpoint("quay.io", "a", false),
        RegistryRoute.of(conf, DockerReference.parse("quay.io/a")).primary());
  }

  @Test
  void aBlockedRegistryIsAnErrorNamingTheFile() throws Exception {
    write("registries.conf.d/50-block.conf", "[[registry]]\nprefix = \"evil.example\"\nblocked = true\n");
    JimgException e = assertThrows(JimgException.class,
        () -> RegistryRoute.of(RegistriesConf.load(root), DockerReference.parse("evil.example/x:1")));
    assertTrue(e.getMessage().startsWith("registry 'evil.example' is blocked in " + conf().resolve(
        "registries.conf.d/50-block.conf")), e.getMessage());
  }

  @Test
  void badTomlAndBadValuesAreErrorsNamingTheFile() throws Exception {
    write("registries.conf.d/bad.conf", "unqualified-search-registries = [\"quay.io\"\n[aliases\n");
    JimgException e = assertThrows(JimgException.class, () -> RegistriesConf.load(root));
    assertTrue(e.getMessage().startsWith("cannot use " + conf().resolve("registries.conf.d/bad.conf")
        + ": not valid TOML"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());

    for (String bad : List.of("[aliases]\n\"a\" = \"b\"\n", "[aliases]\n\"quay.io/a\" = \"quay.io/a\"\n",
        "[aliases]\n\"a\" = \"quay.io/a:1\"\n", "short-name-mode = \"sloppy\"\n",
        "[[registry]]\nlocation = \"https://quay.io\"\n", "[registries.search]\nregistries = [\"quay.io\"]\n",
        "unqualified-search-registries = [\"bad host!\"]\n", "[[registry]]\ninsecure = \"yes\"\nlocation = \"a.b\"\n")) {
      write("registries.conf.d/bad.conf", bad);
      JimgException wrong = assertThrows(JimgException.class, () -> RegistriesConf.load(root), bad);
      assertTrue(wrong.getMessage().startsWith("cannot use " + conf().resolve("registries.conf.d/bad.conf") + ": "),
          wrong.getMessage());
    }
  }

  @Test
  void hostileFilesAreRefused() throws Exception {
    write("registries.conf", "");
    Path outside = root.resolve("outside.conf");
    Files.writeString(outside, "unqualified-search-registries = [\"evil.example\"]\n");
    Files.createDirectories(conf().resolve("registries.conf.d"));
    Files.createSymbolicLink(conf().resolve("registries.conf.d/link.conf"), outside);
    JimgException e = assertThrows(JimgException.class, () -> RegistriesConf.load(root));
    assertEquals("cannot read " + conf().resolve("registries.conf.d/link.conf")
        + ": it is a symbolic link, which jimg does not follow here", e.getMessage());
    Files.delete(conf().resolve("registries.conf.d/link.conf"));

    try (RandomAccessFile huge = new RandomAccessFile(conf().resolve("registries.conf.d/huge.conf").toFile(), "rw")) {
      huge.setLength(1L << 30); // sparse: a gigabyte that is never read
    }
    e = assertThrows(JimgException.class, () -> RegistriesConf.load(root));
    assertTrue(e.getMessage().endsWith("huge.conf: it is larger than 1 MiB"), e.getMessage());
    Files.delete(conf().resolve("registries.conf.d/huge.conf"));

    Files.createDirectory(conf().resolve("registries.conf.d/dir.conf"));
    e = assertThrows(JimgException.class, () -> RegistriesConf.load(root));
    assertTrue(e.getMessage().contains("dir.conf"), e.getMessage());
  }
}
