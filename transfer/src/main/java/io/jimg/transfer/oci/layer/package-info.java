/**
 * OCI image layers applied as the tar import applies an archive, with OCI's whiteouts ({@link
 * io.jimg.transfer.oci.layer.LayerApplier}), their chain ids ({@link io.jimg.transfer.oci.layer.ChainIds}), and the
 * {@code .nspawn} settings an image's config stands for ({@link io.jimg.transfer.oci.layer.NspawnSettings}).
 */
package io.jimg.transfer.oci.layer;
