/** The pipeline API and its ClickHouse machinery. */
package dev.tributary.core;
