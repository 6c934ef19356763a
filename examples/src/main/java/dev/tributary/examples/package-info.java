/** Programs that show how to use Tributary. */
package dev.tributary.examples;
