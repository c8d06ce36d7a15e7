//! Measures what loading the built-in gates costs: deserialising the code
//! precompiled at build time (what `regops check` does) against compiling
//! the same component from its bytes (what an external gate costs).
//!
//! `cargo run -p regops --example gate_load_time [runs]` prints medians.

use std::time::{Duration, Instant};

use regops::policy::{BUILTINS, Limits, Sandbox};

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() -> anyhow::Result<()> {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    let sandbox = Sandbox::new(Limits::default())?;
    for builtin in BUILTINS {
        let mut precompiled = Vec::new();
        let mut compiled = Vec::new();
        for _ in 0..runs {
            let start = Instant::now();
            sandbox.load_builtin(builtin).map_err(anyhow::Error::msg)?;
            precompiled.push(start.elapsed());
            let start = Instant::now();
            sandbox
                .load_component(
                    format!("builtin:{}", builtin.id),
                    builtin.sha256.to_string(),
                    builtin.component,
                )
                .map_err(anyhow::Error::msg)?;
            compiled.push(start.elapsed());
        }
        println!(
            "builtin:{} ({} bytes): load precompiled {:?}, compile from bytes {:?} (medians of {runs}; both include describe())",
            builtin.id,
            builtin.component.len(),
            median(precompiled),
            median(compiled),
        );
    }
    Ok(())
}
