//! The `courtyard` binary: `courtyard serve`, `courtyard app install`, `courtyard app list`,
//! `courtyard openapi`, ….

fn main() -> std::process::ExitCode {
    courtyard::cli::main()
}
