package io.jimg.images;

import java.util.List;

/** What {@link ImageStore#clean} removed and which images it left because something holds them. */
public record CleanReport(List<String> removed, List<String> skippedBusy) {}
