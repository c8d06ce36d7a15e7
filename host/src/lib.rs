//! regops: quality gates for regulated (IEC 62304) software.
//!
//! Evidence files are normalised by [`regops_evidence`]; [`policy`] runs one
//! sandboxed WebAssembly component per gate; [`report`] renders the verdicts.
//! The `regops` binary is a thin shell over [`cli::run`].

pub mod author;
pub mod bundle;
pub mod change;
pub mod check;
pub mod cli;
pub mod collect;
pub mod config;
pub mod digest;
pub mod http;
pub mod inspect;
pub mod levels;
pub mod lock;
pub mod params;
pub mod policy;
pub mod publish;
pub mod record;
pub mod release;
pub mod replay;
pub mod report;
pub mod timings;
pub mod trace;
pub mod verdict;
pub mod waivers;
