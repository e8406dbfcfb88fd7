package dev.sluice.app;

/** Envoy's server states, with the values its {@code server.state} gauge uses. */
enum ServerState {
  LIVE(0),
  DRAINING(1),
  PRE_INITIALIZING(2),
  INITIALIZING(3);

  final int gaugeValue;

  ServerState(int gaugeValue) {
    this.gaugeValue = gaugeValue;
  }
}
