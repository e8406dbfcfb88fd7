/**
 * What happens between accept and the terminal network filter: the TLS inspector (a listener
 * filter that peeks at the ClientHello), filter-chain selection in Envoy's order, and the contract
 * a terminal filter (HTTP connection manager, TCP proxy) implements to take over a connection.
 */
package dev.sluice.listener.filter;
