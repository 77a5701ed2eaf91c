//! Secrets the connector generates for itself when none are configured: kept in files readable only by their
//! owner, so a restart keeps them.

use std::path::Path;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::Rng;

/// The secret in `<dir>/<name>`, generated (32 random bytes, base64url) and written with mode 0600 if the file does
/// not exist yet.
pub async fn load_or_create(dir: &Path, name: &str) -> std::io::Result<String> {
    let path = dir.join(name);
    match tokio::fs::read_to_string(&path).await {
        Ok(secret) => return Ok(secret.trim().to_owned()),
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error),
        Err(_) => {}
    }
    let secret = URL_SAFE_NO_PAD.encode(rand::rng().random::<[u8; 32]>());
    write_private(dir, name, &secret).await?;
    Ok(secret)
}

/// Writes `content` to the new file `<dir>/<name>`, readable and writable only by its owner (mode 0600).
pub async fn write_private(dir: &Path, name: &str, content: &str) -> std::io::Result<()> {
    tokio::fs::create_dir_all(dir).await?;
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(dir.join(name)).await?;
    // tokio hands writes to a background thread: only `flush` waits until the file holds them, and `sync_all`
    // until the disk does.
    tokio::io::AsyncWriteExt::write_all(&mut file, content.as_bytes()).await?;
    tokio::io::AsyncWriteExt::flush(&mut file).await?;
    file.sync_all().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_secret_is_made_once_and_kept_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_or_create(dir.path(), "key").await.unwrap();
        assert_eq!(first.len(), 43);
        assert_eq!(load_or_create(dir.path(), "key").await.unwrap(), first);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("key")).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
