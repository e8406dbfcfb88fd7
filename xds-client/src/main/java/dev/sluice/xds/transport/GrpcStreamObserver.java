package dev.sluice.xds.transport;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.function.Function;

/**
 * Adapts grpc-java's response observer to an {@link AdsStreamListener}: converts each response,
 * reports the end of the stream once, and stays silent after the client cancelled.
 */
final class GrpcStreamObserver<ReqT, RespT> implements ClientResponseObserver<ReqT, RespT> {
  private final AdsStreamListener listener;
  private final Function<RespT, AdsResponse> convert;
  private ClientCallStreamObserver<ReqT> requests;
  private boolean done;

  GrpcStreamObserver(AdsStreamListener listener, Function<RespT, AdsResponse> convert) {
    this.listener = listener;
    this.convert = convert;
  }

  @Override
  public void beforeStart(ClientCallStreamObserver<ReqT> requestStream) {
    this.requests = requestStream;
  }

  @Override
  public void onNext(RespT value) {
    if (!done) {
      listener.onResponse(convert.apply(value));
    }
  }

  @Override
  public void onError(Throwable t) {
    finish(Status.fromThrowable(t));
  }

  @Override
  public void onCompleted() {
    finish(Status.OK);
  }

  void send(ReqT request) {
    if (!done) {
      requests.onNext(request);
    }
  }

  void cancel() {
    if (!done) {
      done = true;
      requests.cancel("xDS client closed the stream", null);
    }
  }

  private void finish(Status status) {
    if (!done) {
      done = true;
      listener.onClosed(status);
    }
  }
}
