/**
 * The small files transfers keep in a pool beside the images (a download's ETag, the pull cache's records, a push's
 * record of a layer), reached through the pool's descriptor: internal, as tar, raw, compress, http and verify are.
 */
package io.jimg.transfer.pool;
