/**
 * Assembly: the command line, the wiring of configuration sources to listeners and clusters, the
 * admin interface, and the demo backends of the quickstart. Logic that belongs to a module stays
 * in that module.
 */
package dev.sluice.app;
