//! The `courtyard` binary: `courtyard serve`, `courtyard app install`, `courtyard app list`.

fn main() -> std::process::ExitCode {
    courtyard::cli::main()
}
