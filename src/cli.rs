//! Command line: flags override the config file; with no subcommand the kiosk window opens.

use crate::app::{App, Env};
use crate::config::{self, Config};
use crate::demo::DemoParts;
use crate::paths::Paths;
use crate::registry::{KioskCredentials, RegistryClient};
use crate::store::Store;
use crate::theme;
use anyhow::Context;
use clap::{Parser, Subcommand};
use pdo_core::api::Operator;
use pdo_core::domain::Lang;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "pdo-kiosk", version, about = "Self-service kiosk for the certificate of supplementary education")]
pub struct Cli {
    /// Configuration file (default: kiosk.toml in the platform config dir).
    #[arg(long, global = true)]
    pub config: Option<PathBuf>,
    /// Where the local store and logs live (default: the platform data dir).
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Registry base URL; https:// (http:// only to loopback). Without it the embedded demo registry runs.
    #[arg(long, global = true)]
    pub registry: Option<String>,
    #[arg(long, global = true)]
    pub kiosk_id: Option<String>,
    #[arg(long, global = true, env = "PDO_KIOSK_SECRET", hide_env_values = true)]
    pub kiosk_secret: Option<String>,
    /// A registry key pin, `sha256/…` (repeatable); given, it replaces the file's `registry_pins`.
    #[arg(long = "registry-pin", global = true, value_name = "PIN")]
    pub registry_pins: Vec<String>,
    #[arg(long)]
    pub municipality: Option<String>,
    #[arg(long)]
    pub operator_name: Option<String>,
    #[arg(long)]
    pub operator_address: Option<String>,
    /// Language each session starts in: ru or en.
    #[arg(long)]
    pub language: Option<String>,
    #[arg(long)]
    pub screen_width_mm: Option<f32>,
    #[arg(long)]
    pub screen_height_mm: Option<f32>,
    #[arg(long)]
    pub idle_timeout_secs: Option<u64>,
    #[arg(long)]
    pub idle_grace_secs: Option<u64>,
    /// IPP printer for the forms: ipp://host[:port]/path or ipps://…
    #[arg(long)]
    pub printer: Option<String>,
    /// Document camera: auto, v4l:INDEX or synthetic:DIR.
    #[arg(long)]
    pub camera: Option<String>,
    /// Write the wall-clock time of the first frame to this file (used by scripts/measure-startup.sh).
    #[arg(long, hide = true)]
    pub startup_report: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print the effective configuration (file plus flags) as TOML, with the secret hidden.
    Config,
    /// Render the application, the consent and the activation sheet of an application (its registry API JSON) and
    /// write them to a folder and/or print them on an IPP printer. Needs no display.
    PrintForms {
        /// The application as the registry API returns it (`GET /api/v1/applications/{id}`).
        #[arg(long, value_name = "APPLICATION.json")]
        input: PathBuf,
        /// Write application.pdf, consent.pdf and activation.pdf into this folder (created if missing).
        #[arg(long, value_name = "DIR", required_unless_present = "printer")]
        out: Option<PathBuf>,
        /// Print on this printer: ipp://host[:port]/path or ipps://…
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
    },
    /// Staff and diagnostics: run the document pipeline on a still photo, write the flattened scan as JPEG and
    /// print one JSON object (found, corners, sharpness, glare, accepted, reason, ms). Exits 0 when not accepted.
    ScanImage {
        /// A photo of the document (JPEG or PNG).
        #[arg(long, value_name = "PHOTO")]
        input: PathBuf,
        /// Where to write the flattened scan (only when a document was found).
        #[arg(long, value_name = "SCAN.jpg")]
        out: PathBuf,
    },
    /// Write what the kiosk says when a screen opens as a 16-bit PCM WAV file, to check the headphones or the
    /// words; needs no display, registry, configuration or data dir. `--list` prints the screens' names.
    Say {
        /// The screen, by its module name (`welcome`, `sign_in`, …; see `--list`).
        #[arg(long, value_name = "NAME", required_unless_present = "list")]
        screen: Option<String>,
        #[arg(long, value_name = "ru|en", default_value = "ru", value_parser = ["ru", "en"])]
        lang: String,
        #[arg(long, value_name = "FILE.wav", required_unless_present = "list")]
        out: Option<PathBuf>,
        #[arg(long)]
        list: bool,
    },
    /// The queue of applications taken offline (needs no display).
    Queue {
        #[command(subcommand)]
        action: QueueCommand,
    },
    /// Staff tasks from a terminal (needs no display).
    Staff {
        #[command(subcommand)]
        action: StaffCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// Set the staff PIN (4-8 digits): read twice from standard input (prompted, without echo, on a terminal) and
    /// written as an argon2id hash into the config file, the rest of the file left as it was.
    SetPin,
    /// The office's anonymous figures per day and in total: sessions, applications, certificates, prints,
    /// abandons by step, median time per step.
    Counters {
        /// Print CSV (day,figure,step,value) instead of a table.
        #[arg(long)]
        csv: bool,
        /// The last N days, today included.
        #[arg(long, default_value_t = 31)]
        days: u32,
    },
    /// Whether any applicant data is left on the kiosk (drafts, unsent applications, temp files), as JSON; exits
    /// with 1 when something is.
    PrivacyCheck,
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Print the queue as one JSON object: count, age of the oldest in seconds, last error, rejected count.
    Status,
    /// Test harness: queue N invented applications (numbers from the stored block) and sync until drained,
    /// recording submission ids and application numbers in `queue-drive.log` in the data dir.
    #[command(hide = true)]
    Drive {
        #[arg(long, default_value_t = 0)]
        enqueue: usize,
        /// Size of each invented scan.
        #[arg(long, default_value_t = 2048)]
        scan_bytes: usize,
        /// Give up syncing after this long.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
    },
}

impl Cli {
    /// The file's settings with every given flag laid over them.
    pub fn apply(&self, mut config: Config) -> Config {
        let set = |target: &mut Option<String>, value: &Option<String>| {
            if value.is_some() {
                target.clone_from(value);
            }
        };
        set(&mut config.registry_url, &self.registry);
        set(&mut config.kiosk_id, &self.kiosk_id);
        set(&mut config.kiosk_secret, &self.kiosk_secret);
        if !self.registry_pins.is_empty() {
            config.registry_pins.clone_from(&self.registry_pins);
        }
        set(&mut config.municipality, &self.municipality);
        set(&mut config.operator_name, &self.operator_name);
        set(&mut config.operator_address, &self.operator_address);
        set(&mut config.printer, &self.printer);
        if let Some(camera) = &self.camera {
            config.camera.clone_from(camera);
        }
        if let Some(language) = &self.language {
            config.language.clone_from(language);
        }
        config.screen_width_mm = self.screen_width_mm.unwrap_or(config.screen_width_mm);
        config.screen_height_mm = self.screen_height_mm.unwrap_or(config.screen_height_mm);
        config.idle_timeout_secs = self.idle_timeout_secs.unwrap_or(config.idle_timeout_secs);
        config.idle_grace_secs = self.idle_grace_secs.unwrap_or(config.idle_grace_secs);
        config
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("pdo-kiosk: {err:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // Printing needs neither the configuration nor the data dir, and never a window.
    if let Some(Command::PrintForms { input, out, printer }) = &cli.command {
        return crate::print::command::print_forms(input, out.as_deref(), printer.as_deref());
    }
    if let Some(Command::Say { screen, lang, out, list }) = &cli.command {
        return say(screen.as_deref(), lang, out.as_deref(), *list);
    }
    if let Some(Command::ScanImage { input, out }) = &cli.command {
        let report = pdo_vision::scan_file(input, out)?;
        println!("{}", serde_json::to_string(&report)?);
        return Ok(());
    }
    let paths = Paths::resolve(cli.config.clone(), cli.data_dir.clone())?;
    let config = cli.apply(Config::load(&paths.config_file)?);
    if let Some(Command::Queue { action }) = &cli.command {
        return crate::queue_cli::run(action, &paths, &config);
    }
    if let Some(Command::Staff { action }) = &cli.command {
        return crate::staff_cli::run(action, &paths, &config);
    }
    config.validate()?;
    if let Some(Command::Config) = cli.command {
        let hidden = |value: &Option<String>| value.as_ref().map(|_| "********".to_string());
        let shown = Config {
            kiosk_secret: hidden(&config.kiosk_secret),
            staff_pin_hash: hidden(&config.staff_pin_hash),
            ..config
        };
        println!("# {}", paths.config_file.display());
        print!("{}", toml::to_string(&shown)?);
        return Ok(());
    }
    let _log_guard = crate::logging::init(&paths.logs())?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "starting");
    let store = Store::open(&paths.store()).with_context(|| format!("opening {}", paths.store().display()))?;

    // The embedded demo registry must outlive the window, so it is held here until `run` returns.
    let (client, demo) = match &config.registry_url {
        Some(url) => {
            let kiosk = config
                .kiosk_id
                .clone()
                .zip(config.kiosk_secret.clone())
                .map(|(id, secret)| KioskCredentials { id, secret });
            (RegistryClient::new(config::registry_url(url)?).with_pins(config.pins()?).with_kiosk(kiosk), None)
        }
        None => {
            let demo = crate::demo::start(&paths)?;
            (demo.client(), Some(demo))
        }
    };
    // Until the kiosk first reaches its registry (whose operator it keeps from then on), the notice names the one
    // configured here; only the demo may leave it out (validate() requires it with a real registry).
    let operator = match (&config.operator_name, &config.operator_address) {
        (Some(name), Some(address)) => Operator { name: name.clone(), address: address.clone() },
        _ => demo.as_ref().map(DemoParts::operator).unwrap_or_default(),
    };
    // The sync worker (offline queue, heartbeats, config, the link's state) runs on a small runtime of its own that
    // lives as long as the window; it needs the kiosk's credentials, which the demo has too.
    let background = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let sync = client.has_kiosk().then(|| {
        let worker = crate::sync::SyncWorker::new(store.clone(), client.clone(), Default::default());
        let _guard = background.enter();
        let (stop, _) = worker.clone().spawn();
        (worker, stop)
    });
    let keep = std::time::Duration::from_secs(config.resume_draft_hours * 3600);
    let drafts = crate::session::Drafts::open(store.clone(), &paths.data_dir, keep)?;
    // Unfinished applications past their time go before the first screen, even after the kiosk was off for days,
    // and then every few minutes for as long as it runs.
    let gone = background.block_on(drafts.purge_expired(chrono::Utc::now()))?;
    if gone > 0 {
        tracing::info!(gone, "expired resume drafts deleted at start");
    }
    {
        let _guard = background.enter();
        drafts.clone().spawn_purge(DRAFT_PURGE_EVERY);
    }
    let env = Env {
        config,
        client,
        store,
        operator,
        startup_report: cli.startup_report.clone(),
        sync: sync.as_ref().map(|(worker, _)| worker.clone()),
        demo_hint: demo.as_ref().map(DemoParts::hint),
        demo_mail: demo.as_ref().map(DemoParts::mail_dir),
        drafts: Some(drafts),
        speaker: std::sync::Arc::new(crate::speech::ProcessSpeaker::espeak()),
    };
    iced::application(move || App::boot(env.clone()), App::update, App::view)
        .title(App::title)
        .subscription(App::subscription)
        .theme(App::theme)
        .font(theme::FONT_REGULAR)
        .font(theme::FONT_BOLD)
        .default_font(theme::FONT)
        .window(window_settings())
        .run()?;
    if let Some((_, stop)) = sync {
        let _ = stop.send(true);
    }
    background.shutdown_timeout(std::time::Duration::from_secs(2));
    Ok(())
}

/// How often expired resume drafts are looked for while the kiosk runs: a draft outlives its time by at most this.
const DRAFT_PURGE_EVERY: std::time::Duration = std::time::Duration::from_secs(300);

/// Full screen without decorations. Under a Wayland kiosk compositor `fullscreen` does it; on a bare X server with
/// no window manager the app also resizes itself to the monitor at boot (see `App::boot`).
fn window_settings() -> iced::window::Settings {
    iced::window::Settings {
        fullscreen: true,
        decorations: false,
        resizable: false,
        position: iced::window::Position::Specific(iced::Point::ORIGIN),
        platform_specific: iced::window::settings::PlatformSpecific {
            application_id: "pdo-kiosk".into(),
            ..Default::default()
        },
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_and_leave_the_rest() {
        let file = Config { kiosk_id: Some("from-file".into()), idle_timeout_secs: 300, ..Config::default() };
        let cli = Cli::try_parse_from([
            "pdo-kiosk",
            "--kiosk-id",
            "from-flag",
            "--registry",
            "https://registry.example.org",
            "--screen-width-mm",
            "600",
        ])
        .unwrap();
        let config = cli.apply(file);
        assert_eq!(config.kiosk_id.as_deref(), Some("from-flag"));
        assert_eq!(config.registry_url.as_deref(), Some("https://registry.example.org"));
        assert_eq!(config.screen_width_mm, 600.0);
        assert_eq!(config.idle_timeout_secs, 300, "a key with no flag keeps the file's value");
    }

    #[test]
    fn insecure_registry_from_flags_is_refused() {
        let cli = Cli::try_parse_from(["pdo-kiosk", "--registry", "http://registry.example.org"]).unwrap();
        let refused = cli.apply(Config::default()).validate();
        assert!(matches!(refused, Err(config::ConfigError::InsecureRegistry(_))), "{refused:?}");
    }
}

/// `pdo-kiosk say`: the words of one screen through espeak-ng into a WAV file, or the list of screens.
fn say(screen: Option<&str>, lang: &str, out: Option<&Path>, list: bool) -> anyhow::Result<()> {
    use crate::speech::{EspeakNg, SCREENS, Voice, screen_words};
    let names: Vec<&str> = SCREENS.iter().map(|(name, _, _)| *name).collect();
    if list {
        println!("{}", names.join("\n"));
        return Ok(());
    }
    let lang = if lang == "en" { Lang::En } else { Lang::Ru };
    let (Some(screen), Some(out)) = (screen, out) else { anyhow::bail!("--screen and --out are needed") };
    let words = screen_words(&crate::i18n::I18n::new(lang), screen)
        .ok_or_else(|| anyhow::anyhow!("no screen {screen:?}; the screens are: {}", names.join(", ")))?;
    let wav = EspeakNg.render(&words, lang)?;
    std::fs::write(out, wav).with_context(|| format!("writing {}", out.display()))?;
    Ok(())
}
