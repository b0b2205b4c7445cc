//! The data directory is the host's alone: folders `0700`, files `0600`.
//!
//! It holds the database (password hashes), the mail outbox (sign-in and
//! reset links), signing keys and compiled components. Everything the host
//! creates there is created private, and what an earlier version left wider
//! is narrowed when the host opens it again.

use std::io;
use std::path::Path;

#[cfg(unix)]
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};

/// Creates `dir` and its missing parents, the new ones private. A folder
/// that exists is left as it is (it may be shared, like `/tmp`).
pub fn create_dir(dir: &Path) -> io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    builder.mode(0o700);
    builder.create(dir)
}

/// Creates the data directory, or narrows it to `0700` if it exists: it is
/// the host's alone.
pub fn create_data_dir(dir: &Path) -> io::Result<()> {
    create_dir(dir)?;
    restrict(dir, 0o700)
}

/// Narrows an existing file to `0600`; a missing one is no error.
pub fn restrict_file(path: &Path) -> io::Result<()> {
    match restrict(path, 0o600) {
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Options that create a file private to the host.
pub fn open_options() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    #[cfg(unix)]
    options.mode(0o600);
    options
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> io::Result<()> {
    let permissions = std::fs::metadata(path)?.permissions();
    if permissions.mode() & 0o777 != mode {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn folders_and_files_are_private_and_wider_ones_are_narrowed() {
        let root = tempfile::tempdir().unwrap();
        let data = root.path().join("data").join("mail");
        create_dir(&data).unwrap();
        for dir in [root.path().join("data"), data.clone()] {
            assert_eq!(std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777, 0o700, "{dir:?}");
        }
        let file = data.join("1.eml");
        open_options().write(true).create_new(true).open(&file).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
        restrict_file(&file).unwrap();
        create_dir(&data).unwrap();
        assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o755, "create_dir leaves it");
        create_data_dir(&data).unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(&data).unwrap().permissions().mode() & 0o777, 0o700);
        restrict_file(&root.path().join("missing")).unwrap();
    }
}
