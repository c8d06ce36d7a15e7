//! The built-in gates, embedded by the build script.

/// A gate compiled into the `regops` binary.
pub struct Builtin {
    /// Gate id, used as `builtin:<id>`.
    pub id: &'static str,
    /// The component's bytes (what its digest covers).
    pub component: &'static [u8],
    /// The component precompiled for this host by the build script.
    pub precompiled: &'static [u8],
    /// SHA-256 of `component`, lowercase hex.
    pub sha256: &'static str,
}

/// Every built-in gate, in evaluation order.
pub const BUILTINS: &[Builtin] = include!(concat!(env!("OUT_DIR"), "/builtins.rs"));

/// The built-in gate with this id.
pub fn find(id: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.id == id)
}
