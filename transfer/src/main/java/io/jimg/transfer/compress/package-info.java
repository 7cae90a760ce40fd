/** Compression formats: detection by magic bytes, streaming decoders with memory limits, encoders. */
package io.jimg.transfer.compress;
