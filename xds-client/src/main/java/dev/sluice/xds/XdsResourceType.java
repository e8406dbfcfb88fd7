package dev.sluice.xds;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.sluice.xds.resource.DecodeContext;
import java.util.Optional;

/**
 * One xDS resource type: how to unpack, name and decode it. Decoding is validation: it yields
 * the model value or records errors in the context, which become the NACK.
 *
 * @param <T> the decoded value the client holds
 */
interface XdsResourceType<T> {
  ResourceKind kind();

  /** The resource inside {@code any}, whose type URL is already checked. */
  Message unpack(Any any) throws InvalidProtocolBufferException;

  /** The resource's name: the key of subscriptions, removals and duplicates. */
  String nameOf(Message resource);

  /** Decodes {@code resource}; empty when an error was recorded in {@code ctx}. */
  Optional<T> decode(Message resource, DecodeContext ctx);
}
