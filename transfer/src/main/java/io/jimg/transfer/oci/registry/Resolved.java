package io.jimg.transfer.oci.registry;

/**
 * The image manifest a reference resolved to for one platform: its verified bytes, digest and type, parsed;
 * {@code referenceDigest} is the digest of what the reference itself named (an index, or this same manifest).
 */
public record Resolved(String repository, String reference, Digest digest, String mediaType, byte[] bytes,
    ImageManifest manifest, Digest referenceDigest) {}
