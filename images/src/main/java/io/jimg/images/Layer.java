package io.jimg.images;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One OCI layer in a pool's layer store: the read-only subvolume of the layer with all those below it applied.
 *
 * @param chainId the layer's chain id, {@code sha256:<hex>}
 * @param parentChainId the chain id of the layer it was made on, empty for a first layer
 * @param path where the subvolume lies ({@code .oci-layer-sha256-<hex>} in the writable pool)
 * @param bytes what the layer's own content took when it was applied (its filler's count): the cache bound's
 *     measure, cheap to sum, not the disk usage of the whole stack
 * @param lastUsed when a layer was last made, found or used for an image
 */
public record Layer(String chainId, Optional<String> parentChainId, Path path, long bytes, Instant lastUsed) {}
