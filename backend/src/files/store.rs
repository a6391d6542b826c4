//! Content-addressed storage of attachment bytes through `object_store`: a directory under
//! `DATA_DIR/files` by default, an S3-compatible bucket when `OBJECT_STORE_URL` says so. The
//! key is derived from the SHA-256 of the content, so the same bytes are stored once and no
//! uploaded name ever reaches a path.

use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt as _, PutPayload};
use sha2::{Digest as _, Sha256};

use crate::config::Config;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("object store: {0}")]
    Store(#[from] object_store::Error),
    #[error("object store: {0} is not a content hash")]
    BadKey(String),
}

#[derive(Clone)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl std::fmt::Debug for FileStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FileStore({}, {})", self.store, self.prefix)
    }
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

impl FileStore {
    /// The store the configuration names: `OBJECT_STORE_URL=s3://bucket/prefix` (credentials,
    /// region and endpoint from the usual `AWS_*` variables), else `DATA_DIR/files`.
    pub fn from_config(config: &Config) -> anyhow::Result<FileStore> {
        match &config.object_store_url {
            Some(url) => {
                let parsed =
                    url::Url::parse(url).map_err(|e| anyhow::anyhow!("OBJECT_STORE_URL: {e}"))?;
                let bucket = parsed.host_str().unwrap_or_default();
                let store = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| anyhow::anyhow!("OBJECT_STORE_URL: {e}"))?;
                let prefix = Path::parse(parsed.path().trim_matches('/'))
                    .map_err(|e| anyhow::anyhow!("OBJECT_STORE_URL: {e}"))?;
                Ok(FileStore {
                    store: Arc::new(store),
                    prefix,
                })
            }
            None => {
                let dir = config.files_dir();
                std::fs::create_dir_all(&dir).map_err(|e| {
                    anyhow::anyhow!("DATA_DIR: cannot create {}: {e}", dir.display())
                })?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(&dir)
                    .map_err(|e| anyhow::anyhow!("DATA_DIR: {}: {e}", dir.display()))?;
                Ok(FileStore {
                    store: Arc::new(store),
                    prefix: Path::default(),
                })
            }
        }
    }

    /// `sha256/ab/abcdef...`: two levels keep directories small on a local disk.
    fn key(&self, sha256: &str) -> Result<Path, StoreError> {
        if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StoreError::BadKey(sha256.to_owned()));
        }
        let mut path = self.prefix.clone();
        for part in ["sha256", &sha256[..2], sha256] {
            path = path.join(part);
        }
        Ok(path)
    }

    /// Stores `bytes` under their hash unless they are already there; returns the hash.
    pub async fn put(&self, bytes: Bytes) -> Result<String, StoreError> {
        let sha = sha256_hex(&bytes);
        let key = self.key(&sha)?;
        match self.store.head(&key).await {
            Ok(_) => return Ok(sha),
            Err(object_store::Error::NotFound { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        self.store.put(&key, PutPayload::from_bytes(bytes)).await?;
        Ok(sha)
    }

    pub async fn get(&self, sha256: &str) -> Result<Bytes, StoreError> {
        let key = self.key(sha256)?;
        Ok(self.store.get(&key).await?.bytes().await?)
    }

    /// Whether an object with this hash is stored (tests and checks).
    pub async fn contains(&self, sha256: &str) -> Result<bool, StoreError> {
        match self.store.head(&self.key(sha256)?).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
}
