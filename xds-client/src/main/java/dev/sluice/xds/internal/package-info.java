/**
 * Not API: protobuf plumbing shared by the bootstrap loader and the xDS client, such as the type
 * registry that resolves {@code Any} type URLs and the redaction of sensitive fields. Other modules
 * must not depend on it.
 */
package dev.sluice.xds.internal;
