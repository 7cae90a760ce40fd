package io.jimg.service;

/** What GetInfo reports of the service besides its interfaces. */
public record ServiceInfo(String vendor, String product, String version, String url) {}
