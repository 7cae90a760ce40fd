package io.jimg.transfer.oci.registry;

import io.jimg.images.JimgException;
import io.jimg.transfer.http.Exchange;
import java.io.IOException;
import java.util.Map;
import java.util.stream.Collectors;
import okhttp3.Request;

/**
 * From a tag or digest to the image manifest for one platform: each document fetched is checked against the
 * digest that named it (the reference's, or the index entry's) and against {@code Docker-Content-Digest}, which
 * is never trusted alone; an index is followed to its entry for the platform, at most
 * {@link Limits#MAX_INDEX_DEPTH} levels deep. No loop gets past that: a document cannot hold its own digest,
 * so an index that leads back to itself fails its digest check, and the depth bounds any other chain.
 */
final class ManifestResolver {
  private final Transport transport;

  ManifestResolver(Transport transport) {
    this.transport = transport;
  }

  private record Document(Digest digest, String mediaType, byte[] bytes) {}

  Resolved resolve(String repository, String reference, Platform platform) throws JimgException {
    String name = References.show(transport.registry, repository, reference);
    Digest pinned = reference.startsWith(Digest.ALGORITHM + ":") ? Digest.parse(reference) : null;
    Document top = fetch(repository, reference, pinned, name, true);
    Document current = top;
    for (int depth = 1; MediaTypes.isIndex(current.mediaType); depth++) {
      if (depth > Limits.MAX_INDEX_DEPTH) {
        throw new JimgException(JimgException.Reason.FAILED, name + ": its indexes nest deeper than "
            + Limits.MAX_INDEX_DEPTH + " levels");
      }
      ImageIndex index = ImageIndex.parse(current.bytes, "the index of " + name);
      Descriptor entry = index.select(platform);
      if (entry == null) {
        String offered = index.manifests().stream().filter(d -> d.platform() != null)
            .map(d -> d.platform().toString()).distinct().collect(Collectors.joining(", "));
        throw new JimgException(JimgException.Reason.NOT_FOUND, name + " has no image for " + platform
            + (offered.isEmpty() ? "" : " (it has " + RegistryErrors.quoted(offered) + ")"));
      }
      String entryName = References.show(transport.registry, repository, entry.digest().toString());
      if (entry.size() > Limits.MAX_DOCUMENT) {
        throw tooLarge(entryName);
      }
      current = fetch(repository, entry.digest().toString(), entry.digest(), entryName, false);
      if (current.bytes.length != entry.size()) {
        throw new JimgException(JimgException.Reason.VERIFICATION, entryName + ": "
            + current.bytes.length + " bytes, where its index declares " + entry.size());
      }
    }
    if (!MediaTypes.isManifest(current.mediaType)) {
      throw new JimgException(JimgException.Reason.FAILED, name + " is a " + RegistryErrors.quoted(current.mediaType)
          + ", not an image jimg reads");
    }
    ImageManifest manifest = ImageManifest.parse(current.bytes, current.mediaType, "the manifest of " + name);
    return new Resolved(repository, reference, current.digest, current.mediaType, current.bytes, manifest,
        top.digest);
  }

  private Document fetch(String repository, String reference, Digest expected, String name, boolean byReference)
      throws JimgException {
    Request.Builder request = new Request.Builder().get()
        .url(transport.url("/v2/" + repository + "/manifests/" + reference))
        .header("Accept", MediaTypes.MANIFEST_ACCEPT);
    byte[] bytes;
    String contentType;
    String served;
    try (Exchange exchange = transport.sendFollowing(request, Scope.pull(repository), name)) {
      if (exchange.code() == 404 && byReference) {
        throw new JimgException(JimgException.Reason.NOT_FOUND, "no such image " + repository
            + References.suffix(reference) + " in registry " + transport.registry);
      }
      if (exchange.code() != 200) {
        throw RegistryErrors.failure(exchange, name);
      }
      bytes = exchange.body(Limits.MAX_DOCUMENT);
      contentType = exchange.header("Content-Type");
      served = exchange.header("Docker-Content-Digest");
    } catch (IOException e) {
      throw transport.failure(name, e);
    }
    if (bytes.length > Limits.MAX_DOCUMENT) {
      throw tooLarge(name);
    }
    Digest actual = Digest.of(bytes);
    if (expected != null && !expected.equals(actual)) {
      throw mismatch(name, expected, actual, "");
    }
    if (served != null && !Digest.parse(served.trim()).equals(actual)) {
      throw mismatch(name, Digest.parse(served.trim()), actual, " (the registry's Docker-Content-Digest)");
    }
    String type = contentType == null ? null : contentType.split(";", 2)[0].trim();
    if (MediaTypes.isSchema1(type)) {
      throw schema1(name);
    }
    Map<String, Object> json = Json.parseObject(bytes, "the manifest of " + name);
    if (Long.valueOf(1).equals(json.get("schemaVersion"))) {
      throw schema1(name);
    }
    String declared = Json.optionalString(json, "mediaType", "the manifest of " + name);
    if (declared == null && type == null) {
      throw Json.invalid("the manifest of " + name, "no media type, in the document or in its Content-Type");
    }
    return new Document(actual, declared != null ? declared : type, bytes);
  }

  private static JimgException mismatch(String name, Digest expected, Digest actual, String source) {
    return new JimgException(JimgException.Reason.VERIFICATION, "digest mismatch for " + name + ": expected "
        + expected + source + ", the registry sent " + actual);
  }

  private static JimgException tooLarge(String name) {
    return new JimgException(JimgException.Reason.FAILED, name + ": the manifest is larger than "
        + Limits.MAX_DOCUMENT / (1024 * 1024) + " MiB");
  }

  private static JimgException schema1(String name) {
    return new JimgException(JimgException.Reason.FAILED, name
        + " uses Docker's schema 1 manifest, which jimg does not read; push it again with a current client");
  }
}
