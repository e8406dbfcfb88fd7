/** Small shared utilities: the injectable clock and source of randomness. */
package dev.sluice.common;
