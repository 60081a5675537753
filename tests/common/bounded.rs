//! Running the real binary under a time bound: the child is killed when the
//! bound passes, so a hang fails the test instead of stalling it, and a stack
//! overflow shows as a death by signal instead of taking the test with it.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::Run;

/// Time after which a build is killed and counted as a hang. Generous, as
/// CI machines are shared: the point is that bad input fails at all, not how
/// fast (speed lives in benches/).
pub const HANG: Duration = Duration::from_secs(60);

/// The end of a bounded run.
pub struct Bounded {
    /// Exit code (None when killed by a signal, ours or the system's), stdout and stderr.
    pub run: Run,
    /// Whether the time bound passed and the child was killed.
    pub timed_out: bool,
    /// How long it ran.
    pub took: Duration,
}

impl Bounded {
    /// Panics unless the run ended by itself, without a signal or a panic.
    pub fn finished(self) -> Run {
        assert!(!self.timed_out, "still running after {:?}: a hang\n{}", self.took, self.run.stderr);
        assert!(self.run.code.is_some(), "killed by a signal (a stack overflow?):\n{}", self.run.stderr);
        assert!(!self.run.stderr.contains("panicked at"), "panic: {}", self.run.stderr);
        self.run
    }
}

/// Runs `branchpress ARGS` in `dir`, killing it after `limit`. Output goes
/// to files, so a chatty child never blocks on a full pipe.
pub fn run_bounded(dir: &Path, args: &[&str], limit: Duration) -> Bounded {
    let logs = tempfile::tempdir().expect("temp dir");
    let (out_path, err_path) = (logs.path().join("stdout"), logs.path().join("stderr"));
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_branchpress"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("start branchpress");
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait for branchpress") {
            break (status, false);
        }
        if start.elapsed() > limit {
            child.kill().expect("kill branchpress");
            break (child.wait().expect("wait for branchpress"), true);
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let took = start.elapsed();
    let read = |p: &Path| String::from_utf8_lossy(&std::fs::read(p).unwrap_or_default()).into_owned();
    let run = Run { code: status.code(), stdout: read(&out_path), stderr: read(&err_path) };
    Bounded { run, timed_out, took }
}
