//! `pdo-registry`: serve the registry, or manage its accounts, kiosks and staff from the command line.

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use pdo_core::api::KioskInfo;
use pdo_core::domain::AccountKind;
use pdo_core::validation::{nfc, text};
use pdo_registry::mail::{MailSink, SmtpTls};
use pdo_registry::storage::{StaffInfo, Storage, StoreError};
use pdo_registry::{Registry, accounts, demo, import, transport};
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "pdo-registry", version, about = "Registry service for certificates of supplementary education")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the HTTP API.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: String,
        #[arg(long)]
        db: PathBuf,
        /// The address applicants' phones and e-mail links reach this service at.
        #[arg(long)]
        public_url: String,
        /// SMTP relay HOST:PORT for outgoing mail.
        #[arg(long)]
        smtp: Option<String>,
        /// TLS to the relay: starttls (the default for a relay not on loopback), tls (implicit, usually port 465) or
        /// none (the default on loopback; refused for any other relay).
        #[arg(long, value_enum, requires = "smtp")]
        smtp_tls: Option<SmtpTlsArg>,
        /// Without --smtp, write each letter as an .eml file here (default: DB path with extension .mail).
        #[arg(long)]
        mail_dir: Option<PathBuf>,
        /// Seed invented demo accounts and reference data.
        #[arg(long)]
        demo: bool,
        /// A reverse proxy's address or range (repeatable): only from these peers is `X-Forwarded-For` believed.
        #[arg(long = "trusted-proxy", value_name = "CIDR")]
        trusted_proxy: Vec<pdo_registry::proxy::Cidr>,
        /// Serve HTTPS with this certificate chain (PEM, the server's certificate first) instead of plain HTTP.
        #[arg(long, value_name = "PEM", requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The certificate's private key (PEM).
        #[arg(long, value_name = "PEM", requires = "tls_cert")]
        tls_key: Option<PathBuf>,
    },
    /// Manage applicant accounts.
    Account {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Manage kiosks.
    Kiosk {
        #[command(subcommand)]
        command: KioskCommand,
    },
    /// Manage staff of institutions that activate certificates (they look applications up by number).
    Staff {
        #[command(subcommand)]
        command: StaffCommand,
    },
    /// Reference data: municipalities, certificate groups, institutions and the operator.
    Reference {
        #[command(subcommand)]
        command: ReferenceCommand,
    },
    /// Copy the database consistently while the service may be serving and writing (SQLite's online backup).
    Backup {
        #[arg(long)]
        db: PathBuf,
        /// The copy; replaced whole once complete and checked, never left half-written.
        #[arg(long)]
        to: PathBuf,
    },
    /// Add a new sealing key for offline applications; kiosks use it from their next config refresh, and older keys
    /// keep opening boxes already queued. Prints the new key id.
    RotateKey {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Subcommand)]
enum ReferenceCommand {
    /// Import municipalities.csv, groups.csv, institutions.csv and operator.csv from DIR: all checked before anything
    /// is written, then added or updated in one transaction; rows missing from a file become inactive.
    Import {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        dir: PathBuf,
        /// Check the files and print what would change, writing nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

#[derive(Subcommand)]
enum KioskCommand {
    /// Register a kiosk; prints its generated secret alone on the last line (for `Authorization: Kiosk id:secret`).
    Add {
        #[arg(long)]
        db: PathBuf,
        /// Letters, digits, '.', '_' and '-', at most 64.
        #[arg(long)]
        id: String,
        /// Shown to applicants on their phone when the kiosk asks to sign them in.
        #[arg(long)]
        name: String,
        #[arg(long)]
        address: String,
        #[arg(long)]
        municipality: String,
    },
    /// Revoke a kiosk: its secret stops working at once.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
enum StaffCommand {
    /// Register a member of staff; prints their generated secret alone on the last line (for
    /// `Authorization: Staff id:secret`).
    Add {
        #[arg(long)]
        db: PathBuf,
        /// Letters, digits, '.', '_' and '-', at most 64.
        #[arg(long)]
        id: String,
        #[arg(long)]
        name: String,
        /// The institution they work for (an id of the reference data): they see the applications that list it.
        #[arg(long, conflicts_with = "region_wide")]
        institution: Option<String>,
        /// See every application in the region instead (for the operator's own staff); given explicitly or not at
        /// all.
        #[arg(long)]
        region_wide: bool,
    },
    /// Revoke a member of staff: their secret stops working at once.
    Revoke {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        id: String,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    /// Create an account; prints the generated password alone on the last line.
    Add {
        #[arg(long)]
        db: PathBuf,
        #[arg(long)]
        login: String,
        #[arg(long)]
        full_name: String,
        #[arg(long, value_enum, default_value = "parent")]
        kind: KindArg,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum SmtpTlsArg {
    Starttls,
    Tls,
    None,
}

#[derive(Clone, Copy, ValueEnum)]
enum KindArg {
    Parent,
    Child,
}

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Command::Serve { listen, db, public_url, smtp, smtp_tls, mail_dir, demo, trusted_proxy, tls_cert, tls_key } => {
            transport::check_public_url(&public_url)?;
            let tls = smtp_tls.map(|t| match t {
                SmtpTlsArg::Starttls => SmtpTls::StartTls,
                SmtpTlsArg::Tls => SmtpTls::Tls,
                SmtpTlsArg::None => SmtpTls::None,
            });
            let mail = match (smtp, mail_dir) {
                (Some(relay), _) => transport::smtp_sink(&relay, tls)?,
                (None, dir) => {
                    let dir = dir.unwrap_or_else(|| db.with_extension("mail"));
                    tracing::warn!(
                        dir = %dir.display(),
                        "no --smtp: letters are not sent, each is written as an .eml file into this folder"
                    );
                    MailSink::Folder(dir)
                }
            };
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => Some(pdo_registry::tls::server_config(&cert, &key)?),
                _ => None,
            };
            serve(Served { listen: &listen, db: &db, public_url: &public_url, trusted_proxy, tls }, mail, demo)
        }
        Command::Account { command: AccountCommand::Add { db, login, full_name, kind } } => {
            let storage = Storage::open(&db)?;
            let kind = match kind {
                KindArg::Parent => AccountKind::Parent,
                KindArg::Child => AccountKind::Child,
            };
            anyhow::ensure!(
                login.trim().chars().count() <= accounts::MAX_LOGIN_CHARS,
                "a login has at most {} characters",
                accounts::MAX_LOGIN_CHARS
            );
            let password = accounts::generate_password();
            let account = storage.create_account(&login, &password, kind, &full_name).map_err(|e| match e {
                StoreError::Conflict { .. } => anyhow::anyhow!("login {login:?} is taken"),
                other => other.into(),
            })?;
            println!("account {} created", account.id);
            println!("{password}");
            Ok(())
        }
        Command::Kiosk { command: KioskCommand::Add { db, id, name, address, municipality } } => {
            add_kiosk(&db, &id, &name, &address, &municipality)
        }
        Command::Reference { command: ReferenceCommand::Import { db, dir, dry_run } } => {
            import_reference(&db, &dir, dry_run)
        }
        Command::Backup { db, to } => {
            if db.to_str().is_some_and(pdo_registry::storage::is_postgres_url) {
                anyhow::bail!(
                    "backup copies a SQLite file; back a PostgreSQL database up with pg_dump (docs/deploy.md, \
                     PostgreSQL, Backups)"
                );
            }
            let pages = pdo_registry::backup::backup(&db, &to)?;
            println!("backup of {} written to {} ({pages} pages, integrity check ok)", db.display(), to.display());
            Ok(())
        }
        Command::RotateKey { db } => {
            let (key_id, _) = Storage::open(&db)?.rotate_sealing_key(chrono::Utc::now())?;
            println!("{key_id}");
            Ok(())
        }
        Command::Kiosk { command: KioskCommand::Revoke { db, id } } => {
            let storage = Storage::open(&db)?;
            if !storage.revoke_kiosk(&id, chrono::Utc::now())? {
                anyhow::bail!("no kiosk {id:?}");
            }
            println!("kiosk {id} revoked");
            Ok(())
        }
        Command::Staff { command: StaffCommand::Add { db, id, name, institution, region_wide } } => {
            add_staff(&db, &id, &name, institution, region_wide)
        }
        Command::Staff { command: StaffCommand::Revoke { db, id } } => {
            let storage = Storage::open(&db)?;
            if !storage.revoke_staff(&id, chrono::Utc::now())? {
                anyhow::bail!("no staff member {id:?}");
            }
            println!("staff member {id} revoked");
            Ok(())
        }
    }
}

/// Kiosk and staff ids: 1 to 64 letters, digits, '.', '_' or '-' (they go into an `Authorization` header).
fn check_credential_id(what: &str, id: &str) -> anyhow::Result<()> {
    let valid_id = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    anyhow::ensure!(valid_id, "the {what} id must be 1 to 64 letters, digits, '.', '_' or '-'");
    Ok(())
}

fn field(label: &str, value: &str) -> anyhow::Result<String> {
    text(&nfc(value)).map_err(|e| anyhow::anyhow!("{label}: {e}"))
}

fn add_staff(
    db: &std::path::Path,
    id: &str,
    name: &str,
    institution: Option<String>,
    region_wide: bool,
) -> anyhow::Result<()> {
    check_credential_id("staff", id)?;
    anyhow::ensure!(
        institution.is_some() || region_wide,
        "a staff member sees the applications of one institution: give --institution ID, or --region-wide for \
         someone who must see every application in the region"
    );
    let member =
        StaffInfo { id: id.to_string(), name: field("--name", name)?, institution_id: institution, region_wide };
    let storage = Storage::open(db)?;
    if let Some(institution) = &member.institution_id
        && !storage.institutions(None)?.iter().any(|i| &i.id == institution)
    {
        eprintln!(
            "warning: institution {institution:?} is not in the reference data (not imported yet, or inactive); \
             the staff member is added anyway"
        );
    }
    let secret = accounts::generate_secret();
    storage.add_staff(&member, &accounts::hash_password(&secret), chrono::Utc::now()).map_err(|e| match e {
        StoreError::Conflict { code: "staff_exists", .. } => anyhow::anyhow!("staff id {id:?} is taken"),
        other => other.into(),
    })?;
    println!("staff member {id} created");
    println!("{secret}");
    Ok(())
}

fn add_kiosk(db: &std::path::Path, id: &str, name: &str, address: &str, municipality: &str) -> anyhow::Result<()> {
    check_credential_id("kiosk", id)?;
    let kiosk = KioskInfo {
        id: id.to_string(),
        name: field("--name", name)?,
        address: field("--address", address)?,
        municipality: field("--municipality", municipality)?,
    };
    let storage = Storage::open(db)?;
    if !storage.municipalities()?.iter().any(|m| m.code == kiosk.municipality) {
        eprintln!(
            "warning: municipality {:?} is not in the reference data (not imported yet, or inactive); \
             the kiosk is added anyway",
            kiosk.municipality
        );
    }
    let secret = accounts::generate_secret();
    storage.add_kiosk(&kiosk, &accounts::hash_password(&secret), chrono::Utc::now()).map_err(|e| match e {
        StoreError::Conflict { .. } => anyhow::anyhow!("kiosk id {id:?} is taken"),
        other => other.into(),
    })?;
    println!("kiosk {id} created");
    println!("{secret}");
    Ok(())
}

/// Checks every file before opening the database, so a refused import leaves it untouched (not even migrated).
fn import_reference(db: &Path, dir: &Path, dry_run: bool) -> anyhow::Result<()> {
    let data = match import::read_dir(dir) {
        Ok(data) => data,
        Err(errors) => {
            // A wrong file can fail on every line; the first hundred are enough to see what is wrong.
            for error in errors.iter().take(100) {
                eprintln!("{error}");
            }
            if errors.len() > 100 {
                eprintln!("… and {} more", errors.len() - 100);
            }
            anyhow::bail!("{} problem(s) in the files in {}; nothing was changed", errors.len(), dir.display());
        }
    };
    print!("{}", import::run(db, &data, dry_run)?);
    Ok(())
}

/// Where and how `serve` listens.
struct Served<'a> {
    listen: &'a str,
    db: &'a Path,
    public_url: &'a str,
    trusted_proxy: Vec<pdo_registry::proxy::Cidr>,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
}

fn serve(served: Served<'_>, mail: MailSink, seed_demo: bool) -> anyhow::Result<()> {
    let Served { listen, db, public_url, trusted_proxy, tls } = served;
    let storage = Storage::open(db).with_context(|| format!("opening {}", db.display()))?;
    if seed_demo {
        demo::seed(&storage)?;
    }
    let registry =
        Registry::new(std::sync::Arc::new(storage)).with_public_url(public_url).with_trusted_proxies(trusted_proxy);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
        let scheme = if tls.is_some() { "https" } else { "http" };
        tracing::info!(addr = %listener.local_addr()?, scheme, public_url, "registry listening");
        // systemd stops the service with SIGTERM; Ctrl-C by hand. Either ends it gracefully.
        let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        let shutdown = async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
            tracing::info!("stopping");
        };
        let _watchdog = pdo_registry::systemd::spawn_watchdog(registry.clone());
        pdo_registry::systemd::ready();
        pdo_registry::serve_over(listener, tls, registry, mail, shutdown).await?;
        Ok(())
    })
}
