//! The `regops` command: parse arguments, run, map the outcome to an exit code.

use clap::Parser;

fn main() {
    let cli = regops::cli::Cli::parse();
    let code = match regops::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            regops::cli::EXIT_UNEVALUABLE
        }
    };
    std::process::exit(code);
}
