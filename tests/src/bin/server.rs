//! The `courtyard` command, built inside the test package so the end-to-end
//! tests can start real server processes (and kill them with SIGKILL).

fn main() -> std::process::ExitCode {
    courtyard::cli::main()
}
