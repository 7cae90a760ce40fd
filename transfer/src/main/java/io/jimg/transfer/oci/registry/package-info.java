/**
 * The registry protocol (OCI distribution spec v1.1, Docker's registry API v2): {@link
 * io.jimg.transfer.oci.registry.RegistryClient} resolves references to verified manifests, streams verified
 * blobs, and pushes blobs and manifests; the records beside it are the image documents it reads and writes.
 */
package io.jimg.transfer.oci.registry;
