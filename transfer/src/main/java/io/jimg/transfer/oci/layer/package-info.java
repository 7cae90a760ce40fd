/**
 * OCI image layers applied as the tar import applies an archive, with OCI's whiteouts ({@link
 * io.jimg.transfer.oci.layer.LayerApplier}), and their chain ids ({@link io.jimg.transfer.oci.layer.ChainIds}).
 */
package io.jimg.transfer.oci.layer;
