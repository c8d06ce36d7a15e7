//! The wasmtime configuration every gate runs under. The build script
//! precompiles the built-in gates with this same function, so their
//! precompiled code is valid for the engine built at run time.

/// Deterministic, sandboxed component execution: fuel for a deterministic
/// execution budget, epochs for a wall-clock backstop, canonical NaNs and
/// deterministic relaxed SIMD so the same inputs give the same bits.
pub fn engine_config() -> wasmtime::Config {
    let mut config = wasmtime::Config::new();
    config
        .wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .cranelift_nan_canonicalization(true)
        .relaxed_simd_deterministic(true)
        .parallel_compilation(true)
        .cranelift_opt_level(wasmtime::OptLevel::Speed);
    config
}
