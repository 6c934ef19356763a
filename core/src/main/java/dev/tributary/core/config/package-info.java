/**
 * Configuration from keys (a properties file, {@link java.util.Properties}, a {@code Map}): {@link
 * dev.tributary.core.config.Config}, a typed view that names the key in every error and masks secrets;
 * {@link dev.tributary.core.config.PipelineConfig}, which builds a whole pipeline from it; and the
 * service-provider interfaces through which the modules of sources, decoders and targets take part.
 * Every key: docs/configuration.md.
 */
package dev.tributary.core.config;
