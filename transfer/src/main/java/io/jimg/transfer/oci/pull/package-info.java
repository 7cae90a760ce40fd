/**
 * pull-oci: an OCI image from a registry or a local layout, verified blob by blob and layer by layer, into the pool
 * ({@link io.jimg.transfer.oci.pull.OciPuller}); on btrfs its layers shared with other images as snapshots.
 */
package io.jimg.transfer.oci.pull;
