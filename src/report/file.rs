//! Report files: named by run, created with mode 0600, never through an existing path or symlink.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A report file mistake. It displays as `{path}: {OS reason}` and reports no further
/// [`source`](std::error::Error::source): the reason is already in the message, so a chain
/// printed with `{:#}` shows it once (thiserror would return a field named `source` from
/// `source()` as well, hence the hand-written impls).
#[derive(Debug)]
pub struct Error {
    /// The path at fault.
    pub path: PathBuf,
    /// The I/O error.
    pub source: io::Error,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.source)
    }
}

impl std::error::Error for Error {}

/// Creates the report folder if needed and proves it is writable (before any AWS call).
pub fn ensure_writable_dir(dir: &Path) -> Result<(), Error> {
    let err = |source| Error {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(err)?;
    let probe = dir.join(format!(".rootsweep-probe-{}", std::process::id()));
    create(&probe).map_err(|e| e.source).map_err(err)?;
    std::fs::remove_file(&probe).map_err(err)
}

/// Creates a new report file, mode 0600. Fails if anything (a file or a symlink) already
/// exists at the path, so a report is never written through a link someone else planted.
pub fn create(path: &Path) -> Result<File, Error> {
    #[cfg(test)]
    fail::check(path).map_err(|source| Error {
        path: path.to_path_buf(),
        source,
    })?;
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|source| Error {
        path: path.to_path_buf(),
        source,
    })
}

/// Replaces the file at `path` whole and durably with `bytes`: written to a new temporary file
/// beside it (mode 0600), synced, renamed over `path`, then the folder synced — so the file is
/// one complete document at every moment, and never truncated in place. On failure the
/// temporary file is removed and `path` is as it was.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_with(path, |w| w.write_all(bytes))
}

/// [`replace`] with what `write` writes (through a buffer), so a large document is never held
/// whole in memory. An error from `write` leaves `path` as it was.
pub fn replace_with(
    path: &Path,
    write: impl FnOnce(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<()> {
    use std::io::Write;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    #[cfg(test)]
    fail::check(path)?;
    let written = (|| {
        let file = create(&tmp).map_err(|e| e.source)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.flush()?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    // The rename is durable once the folder is synced.
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    File::open(dir.unwrap_or(Path::new(".")))?.sync_all()
}

/// Test-only write faults: from the k-th report or record write of this thread (a file
/// created, a file replaced, a report row written), writes fail as on a full disk — once, or
/// from then on. The generated cases run on one thread each, so cases never share a fault.
#[cfg(test)]
pub(crate) mod fail {
    use std::cell::{Cell, RefCell};
    use std::io;
    use std::path::{Path, PathBuf};

    thread_local! {
        static PLAN: Cell<Option<(usize, bool)>> = const { Cell::new(None) };
        static COUNT: Cell<usize> = const { Cell::new(0) };
        static FAILED: RefCell<Vec<PathBuf>> = const { RefCell::new(Vec::new()) };
    }

    /// From now on, on this thread: the `at`-th write fails (and every later one when `on`);
    /// `None` disarms. Resets the count and what failed.
    pub(crate) fn arm(plan: Option<(usize, bool)>) {
        PLAN.set(plan);
        COUNT.set(0);
        FAILED.take();
    }

    /// How many writes were counted since [`arm`] (while armed).
    pub(crate) fn count() -> usize {
        COUNT.get()
    }

    /// The files whose write failed since [`arm`], in order.
    pub(crate) fn failed() -> Vec<PathBuf> {
        FAILED.with_borrow(Clone::clone)
    }

    /// Counts one write to `path`: `Err` (no space left) when the plan says this one fails.
    pub(crate) fn check(path: &Path) -> io::Result<()> {
        let Some((at, on)) = PLAN.get() else {
            return Ok(());
        };
        let n = COUNT.get() + 1;
        COUNT.set(n);
        if n == at || (on && n > at) {
            FAILED.with_borrow_mut(|f| f.push(path.to_path_buf()));
            return Err(io::Error::from_raw_os_error(libc::ENOSPC));
        }
        Ok(())
    }
}

/// A run's timestamp for file names: `20261122T214500.123Z`.
pub fn stamp(t: std::time::SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    format!(
        "{:04}{:02}{:02}T{:02}{:02}{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replace_writes_the_whole_file_private_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("record.json");
        replace(&path, b"{\"a\":1}\n").expect("first");
        replace(&path, b"{\"a\":2}\n").expect("second");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{\"a\":2}\n");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["record.json"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_failed_replace_keeps_the_old_file_and_removes_the_temporary_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("record.json");
        replace(&path, b"old").expect("first");
        // A temporary file that cannot be created (a folder is in its way) fails the write.
        let tmp = dir
            .path()
            .join(format!(".record.json.{}.tmp", std::process::id()));
        std::fs::create_dir(&tmp).expect("block");
        assert!(replace(&path, b"new").is_err());
        assert_eq!(std::fs::read(&path).expect("read"), b"old");
        std::fs::remove_dir(&tmp).expect("unblock");
    }

    #[test]
    fn report_files_are_private_and_never_overwrite() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("audit.csv");
        drop(create(&path).expect("created"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(create(&path).is_err());
    }

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("elsewhere");
        let link = dir.path().join("audit.csv");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert!(create(&link).is_err());
        assert!(!target.exists());
    }

    #[cfg(unix)]
    #[test]
    fn an_unusable_folder_names_its_path_and_the_os_reason_once() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("file");
        std::fs::write(&file, "").expect("file");
        let under = file.join("reports");
        let err = ensure_writable_dir(&under).expect_err("not a directory");
        let text = format!(
            "{:#}",
            anyhow::Error::new(err).context("the report folder is not writable")
        );
        let reason = io::Error::from_raw_os_error(libc::ENOTDIR).to_string();
        assert_eq!(
            text,
            format!(
                "the report folder is not writable: {}: {reason}",
                under.display()
            )
        );
        assert_eq!(text.matches(&reason).count(), 1, "{text}");
    }

    #[test]
    fn an_armed_write_fault_fails_the_kth_write_once_or_from_then_on() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (a, b, c) = (
            dir.path().join("a"),
            dir.path().join("b"),
            dir.path().join("c"),
        );
        fail::arm(Some((2, false)));
        assert!(create(&a).is_ok());
        assert!(replace(&b, b"x").is_err());
        assert!(create(&c).is_ok());
        assert_eq!(fail::failed(), std::slice::from_ref(&b));
        assert!(!b.exists());
        fail::arm(Some((1, true)));
        assert!(replace(&b, b"x").is_err());
        assert!(create(&dir.path().join("d")).is_err());
        assert_eq!(fail::failed().len(), 2);
        fail::arm(None);
        assert!(replace(&b, b"x").is_ok());
        assert!(fail::failed().is_empty());
    }

    #[test]
    fn stamp_is_utc_with_milliseconds() {
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_millis(1_600_000_000_123);
        assert_eq!(stamp(t), "20200913T122640.123Z");
    }
}
