package io.jimg.transfer.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jimg.images.JimgException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageReferenceTest {
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "debian|docker.io/library/debian|latest|true",
      "debian:12|docker.io/library/debian:12|12|true",
      "fedora/httpd:v1|docker.io/fedora/httpd:v1|v1|true",
      "docker.io/debian|docker.io/library/debian|latest|false",
      "index.docker.io/debian:12|docker.io/library/debian:12|12|false",
      "quay.io/podman/stable|quay.io/podman/stable|latest|false",
      "localhost/app|localhost/app|latest|false",
      "localhost:5000/a/b/c:x.y-z|localhost:5000/a/b/c:x.y-z|x.y-z|false",
      "127.0.0.1:25000/deb:app|127.0.0.1:25000/deb:app|app|false",
      "[::1]:5000/deb|[::1]:5000/deb|latest|false",
      "Registry/app|Registry/app|latest|false",
      "a__b/c-d--e.f_g|docker.io/a__b/c-d--e.f_g|latest|true",
  })
  void parsesAndNormalisesAsDockerReferenceDoes(String text, String normalised, String asked, boolean shortName)
      throws JimgException {
    DockerReference reference = DockerReference.parse(text);
    assertEquals(normalised, reference.toString());
    assertEquals(asked, reference.manifestReference());
    assertEquals(shortName, reference.isShortName());
  }

  @Test
  void aTagAndADigestAreBothKeptAndTheDigestIsWhatIsAskedFor() throws JimgException {
    DockerReference reference = DockerReference.parse("quay.io/a/b:1@" + DIGEST);
    assertEquals(Optional.of("1"), reference.tag());
    assertEquals(Optional.of(DIGEST), reference.digest());
    assertEquals(DIGEST, reference.manifestReference());
  }

  @Test
  void dockerHubIsShownAsDockerIoAndReachedAtItsEndpoint() throws JimgException {
    DockerReference reference = DockerReference.parse("debian");
    assertEquals("docker.io", reference.domain());
    assertEquals("registry-1.docker.io", reference.endpointHost());
    assertEquals("library/debian", reference.repository());
    assertEquals("quay.io", DockerReference.parse("quay.io/a").endpointHost());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|cannot be empty",
      "Debian|must be lower-case",
      "quay.io/Foo/bar|must be lower-case",
      "debian:-x|is not a valid tag",
      "debian:.x|is not a valid tag",
      "debian@sha256:abc|is not a digest",
      "debian@md5:0123456789abcdef0123456789abcdef|only sha256 digests",
      "debian@sha256:ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB|only sha256 digests",
      "a//b|is not a valid repository name",
      "a-/b|is not a valid repository name",
      "-a|is not a valid repository name",
      "a_.b|is not a valid repository name",
      "exa_mple.com/a|is not a valid registry",
      "quay.io/|the repository name is missing",
      ":tag|the repository name is missing",
      "abababababababababababababababababababababababababababababababab|image id",
  })
  void refusesWithAOneLineReason(String text, String reason) {
    assertRefused("docker://" + text, reason);
  }

  private static void assertRefused(String text, String reason) {
    JimgException e = assertThrows(JimgException.class, () -> ImageReference.parse(text));
    assertTrue(e.getMessage().contains(reason), e.getMessage());
    assertFalse(e.getMessage().contains("\n"));
    assertEquals(JimgException.Reason.USAGE, e.reason());
  }

  @Test
  void tagsAndNamesHaveTheirLengthLimits() throws JimgException {
    DockerReference.parse("a:" + "t".repeat(128));
    assertThrows(JimgException.class, () -> DockerReference.parse("a:" + "t".repeat(129)));
    String longest = "quay.io/" + "a".repeat(255 - "quay.io/".length());
    DockerReference.parse(longest);
    JimgException e = assertThrows(JimgException.class, () -> DockerReference.parse(longest + "a"));
    assertTrue(e.getMessage().contains("over the 255"), e.getMessage());
  }

  @Test
  void transportsAreSplitAsSkopeoSplitsThem() throws JimgException {
    ImageReference docker = ImageReference.parse("docker://quay.io/podman/stable:v4");
    assertEquals(ImageReference.Transport.DOCKER, docker.transport());
    assertEquals("quay.io/podman/stable:v4", docker.docker().orElseThrow().toString());
    assertEquals("stable", docker.defaultImageName());

    ImageReference oci = ImageReference.parse("oci:/srv/layouts/deb:docker.io/library/deb:12");
    assertEquals(Path.of("/srv/layouts/deb"), oci.path().orElseThrow());
    assertEquals(Optional.of("docker.io/library/deb:12"), oci.layoutTag());
    assertEquals("deb", oci.defaultImageName());

    ImageReference untagged = ImageReference.parse("oci:out");
    assertEquals(Optional.empty(), untagged.layoutTag());

    ImageReference archive = ImageReference.parse("oci-archive:/tmp/deb.tar:app");
    assertEquals(ImageReference.Transport.OCI_ARCHIVE, archive.transport());
    assertEquals(Path.of("/tmp/deb.tar"), archive.path().orElseThrow());
    assertEquals("deb", archive.defaultImageName());
    assertTrue(ImageReference.hasTransport("oci-archive:x"));
    assertFalse(ImageReference.hasTransport("https://example.com/x.tar"));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "debian|names no image transport",
      "docker:debian|names no image transport",
      "oci:|the directory is missing",
      "oci-archive::x|the file is missing",
      "oci:dir:bad tag|is not a valid tag",
      "oci:dir:-x|is not a valid tag",
      "docker://Debian|must be lower-case",
  })
  void refusesBadTransportsAndTags(String text, String reason) {
    assertRefused(text, reason);
  }

  @Test
  void aDefaultNameThatIsNoImageNameIsRefused() throws JimgException {
    JimgException e = assertThrows(JimgException.class,
        () -> ImageReference.parse("docker://quay.io/" + "a".repeat(201)).defaultImageName());
    assertTrue(e.getMessage().contains("at most 200 bytes"), e.getMessage());
    assertThrows(JimgException.class, () -> ImageReference.parse("oci:/").defaultImageName());
    JimgException nul = assertThrows(JimgException.class, () -> ImageReference.parse("oci:a\0b"));
    assertTrue(nul.getMessage().contains("no valid path"), nul.getMessage());
  }
}
