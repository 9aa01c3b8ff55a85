//! `xsell keygen`, and reading secret and trusted public keys from files and flags.

use crate::io::{self, Fail, Outcome};
use crate::KeygenArgs;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use xsell::{PublicKey, SecretKey, TrustedKeys};

fn with_suffix(prefix: &Path, suffix: &str) -> PathBuf {
    let mut s = prefix.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

pub fn keygen(args: &KeygenArgs) -> Outcome {
    let key_path = with_suffix(&args.out, ".key");
    let pub_path = with_suffix(&args.out, ".pub");
    if !args.force {
        for p in [&key_path, &pub_path] {
            if p.exists() {
                return Err(Fail::new(format!(
                    "{}: already exists (pass --force to overwrite)",
                    p.display()
                )));
            }
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| {
        Fail::new(format!(
            "cannot get randomness from the operating system: {e}"
        ))
    })?;
    let secret = SecretKey::from_seed(seed);
    seed.fill(0);
    let public = secret.public_key();

    write_secret(
        &key_path,
        format!("{}\n", secret.to_text()).as_bytes(),
        args.force,
    )?;
    io::write(&pub_path, format!("{}\n", public.to_text()).as_bytes())?;

    io::out(&format!(
        "key id: {}\npublic key: {}\n",
        public.key_id(),
        public.to_text()
    ))?;
    eprintln!(
        "wrote {} (secret: keep it out of version control) and {}",
        key_path.display(),
        pub_path.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Writes a secret file readable by its owner only; without `force`, never replaces a file
/// (even one that appeared since the check).
fn write_secret(path: &Path, bytes: &[u8], force: bool) -> Result<(), Fail> {
    let fail = |e: std::io::Error| Fail::new(format!("{}: cannot write: {e}", path.display()));
    let mut opts = OpenOptions::new();
    opts.write(true);
    if force {
        opts.create(true).truncate(true);
    } else {
        opts.create_new(true);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut file = opts.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            Fail::new(format!(
                "{}: already exists (pass --force to overwrite)",
                path.display()
            ))
        } else {
            fail(e)
        }
    })?;
    #[cfg(unix)]
    {
        // An overwritten file keeps its old mode: tighten it.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(fail)?;
    }
    file.write_all(bytes).map_err(fail)?;
    file.sync_all().map_err(fail)
}

/// Reads a secret key file written by `xsell keygen`.
pub fn read_secret(path: &Path) -> Result<SecretKey, Fail> {
    let text = io::read_text(path)?;
    SecretKey::parse(&text).map_err(|e| {
        Fail::new(format!(
            "{}: not a secret key: {e} [{}]",
            path.display(),
            e.code()
        ))
    })
}

/// `--keys`: comma-separated items, each a public key text ("ed25519:…") or a path to a
/// file holding public keys, one a line (blank lines and `#` comments are skipped).
pub fn trusted(spec: &str) -> Result<TrustedKeys, Fail> {
    let mut keys = Vec::new();
    for (n, item) in spec
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .enumerate()
    {
        if item.starts_with("ed25519:") {
            let key = PublicKey::parse(item)
                .map_err(|e| Fail::new(format!("--keys item {}: {e} [{}]", n + 1, e.code())))?;
            keys.push(key);
            continue;
        }
        let path = Path::new(item);
        let text = io::read_text(path)?;
        let before = keys.len();
        for (ln, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = PublicKey::parse(line).map_err(|e| {
                Fail::new(format!(
                    "{}:{}: not a public key: {e} [{}]",
                    path.display(),
                    ln + 1,
                    e.code()
                ))
            })?;
            keys.push(key);
        }
        if keys.len() == before {
            return Err(Fail::new(format!(
                "{}: holds no public key",
                path.display()
            )));
        }
    }
    if keys.is_empty() {
        return Err(Fail::new("--keys names no public key"));
    }
    Ok(TrustedKeys::new(keys))
}
