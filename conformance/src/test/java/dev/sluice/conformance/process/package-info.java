/**
 * Process-level end-to-end tests: the shaded {@code sluice.jar} is started as a separate JVM with
 * the command line a supervisor would use, and only its sockets, exit code, stdout and stderr are
 * observed. These cover what in-process tests cannot: streaming under a small heap, signal
 * handling and drain, exit codes and error output, Envoy command-line compatibility, and the
 * admin contract as an operator's tooling sees it.
 */
package dev.sluice.conformance.process;
