//! A throwaway PostgreSQL server for the tests and the load bench: Debian's own binaries (`postgresql-15`, from
//! `scripts/install-deps.sh test`), a fresh cluster made by `initdb` in a temporary directory, listening on a free
//! loopback port, run as an unprivileged user (PostgreSQL refuses root; as root the cluster belongs to `nobody`),
//! and stopped with the process that started it. Nothing pre-installed or pre-configured is assumed.

use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

pub struct ScratchPostgres {
    server: Child,
    dir: PathBuf,
    port: u16,
}

/// The user tests connect as; trusted on loopback only, in a cluster that lives as long as the test process.
const USER: &str = "registry";

/// The directory of Debian's PostgreSQL binaries: `PDO_PG_BIN` when set, else the newest of
/// `/usr/lib/postgresql/*/bin` (15 on Debian 12).
fn bin_dir() -> anyhow::Result<PathBuf> {
    if let Some(dir) = std::env::var_os("PDO_PG_BIN") {
        return Ok(dir.into());
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .context("PostgreSQL is not installed: run scripts/install-deps.sh test (Debian's postgresql-15)")?
        .filter_map(|e| e.ok())
        .filter_map(|e| Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin"))))
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).context("no initdb under /usr/lib/postgresql/*/bin")
}

impl ScratchPostgres {
    /// One server for the whole process, started on first use from a thread that lives as long as the process
    /// (see `stop_with_this_process`).
    pub fn shared() -> anyhow::Result<&'static ScratchPostgres> {
        static SHARED: std::sync::OnceLock<Result<ScratchPostgres, String>> = std::sync::OnceLock::new();
        let started = SHARED.get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel();
            std::thread::spawn(move || {
                let _ = tx.send(ScratchPostgres::start().map_err(|e| format!("{e:#}")));
                loop {
                    std::thread::park();
                }
            });
            rx.recv().unwrap_or_else(|_| Err("the thread starting PostgreSQL died".into()))
        });
        started.as_ref().map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Makes a cluster and starts its server; both go when this is dropped, or when the process ends.
    pub fn start() -> anyhow::Result<Self> {
        let bin = bin_dir()?;
        // Under /tmp, not the target dir: as root the server runs as `nobody`, who cannot enter /root.
        static STARTED: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "pdo-registry-pg-{}-{}",
            std::process::id(),
            STARTED.fetch_add(1, Ordering::Relaxed)
        ));
        remove_stale_clusters();
        std::fs::create_dir_all(&dir)?;
        let data = dir.join("data");
        let as_root = unsafe { libc::geteuid() } == 0;
        if as_root {
            std::os::unix::fs::chown(&dir, Some(NOBODY), Some(NOBODY))?;
        }
        let out = unprivileged(Command::new(bin.join("initdb")), as_root)
            .args(["--auth=trust", "--username", USER, "--locale=C", "--encoding=UTF8", "--no-sync", "-D"])
            .arg(&data)
            .output()
            .context("running initdb")?;
        if !out.status.success() {
            bail!("initdb failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let port = free_port()?;
        let log = std::fs::File::create(dir.join("server.log"))?;
        let mut command = unprivileged(Command::new(bin.join("postgres")), as_root);
        command
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1", "-c"])
            .arg(format!("unix_socket_directories={}", dir.display()))
            .args(["-c", "max_connections=200", "-c", "fsync=on", "-c", "synchronous_commit=on"])
            .stdout(Stdio::null())
            .stderr(log);
        stop_with_this_process(&mut command);
        let server = command.spawn().context("starting postgres")?;
        let mut scratch = ScratchPostgres { server, dir, port };
        scratch.wait_ready()?;
        Ok(scratch)
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://{USER}@127.0.0.1:{}/{name}", self.port)
    }

    /// Makes an empty database (in the cluster's C locale) and answers its URL.
    pub fn create_database(&self) -> anyhow::Result<String> {
        self.create_database_with("")
    }

    /// The same with `options` of `CREATE DATABASE` (another locale, say).
    pub fn create_database_with(&self, options: &str) -> anyhow::Result<String> {
        static MADE: AtomicU32 = AtomicU32::new(0);
        let name = format!("registry_{}", MADE.fetch_add(1, Ordering::Relaxed));
        self.admin()?.batch(&format!("CREATE DATABASE {name} {options}"))?;
        Ok(self.url(&name))
    }

    fn admin(&self) -> anyhow::Result<crate::sql::postgres::PgConn> {
        Ok(crate::sql::postgres::PgConn::connect(&self.url("postgres").parse()?)?)
    }

    fn wait_ready(&mut self) -> anyhow::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.server.try_wait()? {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                bail!("postgres exited with {status}: {log}");
            }
            if self.admin().is_ok() {
                return Ok(());
            }
            if Instant::now() > deadline {
                bail!("postgres did not answer within 30 s");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for ScratchPostgres {
    fn drop(&mut self) {
        // SIGINT: PostgreSQL's fast shutdown.
        unsafe { libc::kill(self.server.id() as i32, libc::SIGINT) };
        let _ = self.server.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

const NOBODY: u32 = 65534;

fn unprivileged(mut command: Command, as_root: bool) -> Command {
    if as_root {
        use std::os::unix::process::CommandExt;
        command.uid(NOBODY).gid(NOBODY);
    }
    command
}

/// A test process is often ended without its statics dropped: the server gets SIGINT when the thread that started
/// it ends, so it is started from a thread that lives as long as the process.
fn stop_with_this_process(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe, and nothing else runs between fork and exec.
    unsafe {
        command.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Clusters of test processes that are gone (killed before they could clean up).
fn remove_stale_clusters() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("pdo-registry-pg-")) else { continue };
        let Some(pid) = pid.split('-').next().and_then(|p| p.parse::<i32>().ok()) else { continue };
        if !Path::new(&format!("/proc/{pid}")).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}
