//! Compiled components cached on disk, keyed by the component's SHA-256 and
//! the engine's compatibility hash, so a restart does not recompile.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

use super::RuntimeError;

/// A directory of precompiled components.
pub(super) struct ArtifactCache {
    dir: PathBuf,
    engine_key: String,
}

impl ArtifactCache {
    pub(super) fn new(dir: PathBuf, engine: &Engine) -> ArtifactCache {
        let mut hasher = DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        ArtifactCache { dir, engine_key: format!("{:016x}", hasher.finish()) }
    }

    /// The component for `digest`, from the cache if a valid artifact is there.
    ///
    /// A missing, truncated, tampered-with or incompatible artifact is
    /// recompiled and rewritten; the cache can never make a load fail.
    pub(super) fn load_or_compile(
        &self,
        engine: &Engine,
        digest: &str,
        bytes: &[u8],
    ) -> Result<Component, RuntimeError> {
        let path = self.dir.join(format!("{digest}-{}.cwasm", self.engine_key));
        if let Some(component) = std::fs::read(&path).ok().and_then(|artifact| deserialize_checked(engine, &artifact)) {
            tracing::debug!(%digest, "loaded compiled component from cache");
            return Ok(component);
        }
        let started = std::time::Instant::now();
        let component = Component::new(engine, bytes).map_err(|err| RuntimeError::Compile(format!("{err:#}")))?;
        tracing::info!(%digest, elapsed_ms = started.elapsed().as_millis() as u64, "compiled component");
        if let Err(err) = self.store(&path, &component) {
            tracing::warn!(%digest, error = %err, "could not write the compiled-component cache");
        }
        Ok(component)
    }

    fn store(&self, path: &std::path::Path, component: &Component) -> std::io::Result<()> {
        let serialized = component.serialize().map_err(|err| std::io::Error::other(format!("{err:#}")))?;
        crate::storage::create_private_dir(&self.dir)?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        std::io::Write::write_all(&mut file, &Sha256::digest(&serialized))?;
        std::io::Write::write_all(&mut file, &serialized)?;
        file.as_file().sync_all()?;
        file.persist(path).map_err(|err| err.error)?;
        Ok(())
    }
}

/// Deserialises an artifact written by [`ArtifactCache::store`]: a SHA-256 of
/// the serialised component followed by the component.
fn deserialize_checked(engine: &Engine, artifact: &[u8]) -> Option<Component> {
    let (checksum, serialized) = artifact.split_at_checked(32)?;
    if Sha256::digest(serialized).as_slice() != checksum {
        tracing::warn!("compiled-component cache entry is corrupt; recompiling");
        return None;
    }
    // SAFETY: `Component::deserialize` requires bytes produced by
    // `Component::serialize` of a compatible engine. These bytes were written
    // by `ArtifactCache::store` into the node's private cache directory, their
    // checksum matches, and the file name carries the engine's compatibility
    // hash; wasmtime re-checks compatibility itself and errors if it differs.
    #[allow(unsafe_code)]
    let component = unsafe { Component::deserialize(engine, serialized) };
    component.map_err(|err| tracing::warn!(error = %err, "stale compiled component; recompiling")).ok()
}

#[cfg(test)]
mod tests {
    use crate::bundled::CORE_APPS;
    use crate::config::RuntimeLimits;
    use crate::runtime::Runtime;

    fn artifacts(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().path()).collect()
    }

    #[test]
    fn artifacts_are_keyed_by_digest_and_survive_tampering() {
        let dir = tempfile::tempdir().unwrap();
        let runtime = Runtime::new(RuntimeLimits::default(), dir.path().to_owned()).unwrap();
        let component = CORE_APPS[0].component;
        runtime.compile("feedface", component).unwrap();
        let files = artifacts(dir.path());
        assert_eq!(files.len(), 1);
        let name = files[0].file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with("feedface-") && name.ends_with(".cwasm"), "{name}");

        // A corrupted artifact is never loaded: the component is recompiled
        // and the cache entry rewritten.
        let mut artifact = std::fs::read(&files[0]).unwrap();
        let middle = artifact.len() / 2;
        artifact[middle] ^= 0xFF;
        std::fs::write(&files[0], &artifact).unwrap();
        runtime.compile("feedface", component).unwrap();
        assert_ne!(std::fs::read(&files[0]).unwrap(), artifact, "the tampered entry was replaced");

        std::fs::write(&files[0], b"short").unwrap();
        runtime.compile("feedface", component).unwrap();
        assert!(std::fs::read(&files[0]).unwrap().len() > 1000);
    }
}
