//! Intentionally empty: see `Cargo.toml`. This crate exists only so that the
//! host's build script and the host resolve the same features for the crates
//! under wasmtime, and cargo compiles wasmtime and cranelift once.
