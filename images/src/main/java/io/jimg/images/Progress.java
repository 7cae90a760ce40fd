package io.jimg.images;

/** How far a long operation has come; {@code bytesTotal} is -1 where it is not known. */
public record Progress(String operation, long bytesDone, long bytesTotal, long entriesDone) {}
