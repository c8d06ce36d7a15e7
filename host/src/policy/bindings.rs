//! Host-side bindings of the `regops:gate` world.

wasmtime::component::bindgen!({
    path: "../wit",
    world: "regops:gate/gate",
    // An evidence query for a kind the gate did not declare traps the gate.
    imports: { "regops:gate/evidence": trappable },
    // Filters are compared to reuse the previous query's matches.
    additional_derives: [PartialEq],
});

pub use self::regops::gate::types;
