//! The `regops` command: parse arguments, run, map the outcome to an exit code.

use clap::Parser;

fn main() {
    regops::timings::init();
    let started = regops::timings::start();
    // Like any Unix filter: a closed pipe (`regops policy list | head`) ends
    // the process quietly instead of making `println!` panic.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal, before any
    // other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = regops::cli::Cli::parse();
    let code = match regops::cli::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            regops::cli::EXIT_UNEVALUABLE
        }
    };
    regops::timings::done("total", started);
    std::process::exit(code);
}
