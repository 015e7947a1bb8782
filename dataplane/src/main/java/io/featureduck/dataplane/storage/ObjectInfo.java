package io.featureduck.dataplane.storage;

import io.featureduck.crds.location.ObjectPath;
import java.time.Instant;

/**
 * What a store says about one object.
 *
 * @param path         the object
 * @param size         length in bytes
 * @param lastModified when it was last written
 * @param version      what changes whenever the object is rewritten: the S3 and Azure ETag, the GCS generation
 */
public record ObjectInfo(ObjectPath path, long size, Instant lastModified, String version) {}
