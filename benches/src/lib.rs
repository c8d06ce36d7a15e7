//! Evidence generators for benchmarks.
